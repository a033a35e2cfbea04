//! Shared helpers of the block-level tests: VCD paths, the Yosys check,
//! and the macros that pace a testbench through a clock cycle.
//!
//! Every test follows the same rhythm, with the clock of [`PERIOD`]:
//!
//! * right after a rising edge (`edge!`), the testbench sets the inputs of
//!   the next cycle;
//! * `settle!` moves to the middle of that cycle (clock low), where the
//!   combinational outputs show the new inputs and the registers are
//!   still those of the previous edge;
//! * `edge!` moves to just after the next rising edge, where the registers
//!   show what was sampled.
//!
//! `check!` halts the simulation (so the VCD is still written) with the
//! time, the cycle and a description of what went wrong. `block_test!`
//! writes a whole test around a testbench body; `connected` makes a
//! block's connections.

#![allow(dead_code, unused_macros)]

use rust_hdl::prelude::*;
use std::path::PathBuf;

/// Half a clock period, in picoseconds: the clock toggles this often.
pub const HALF_PERIOD: u64 = 5;
/// One clock period, in picoseconds.
pub const PERIOD: u64 = 2 * HALF_PERIOD;

/// `waveforms/<block>-<test>.vcd` in the workspace (the folder is created).
pub fn waveform(block: &str, test: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("waveforms");
    std::fs::create_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir.join(format!("{block}-{test}.vcd"))
        .to_string_lossy()
        .into_owned()
}

/// Run a simulation of at most `cycles` clock cycles, writing its VCD to
/// `waveforms/<block>-<test>.vcd`; panic with the path if it fails.
pub fn run<T: Block + Send + 'static>(
    mut sim: Simulation<T>,
    uut: T,
    block: &str,
    test: &str,
    cycles: u64,
) {
    let path = waveform(block, test);
    if let Err(e) = sim.run_to_file(Box::new(uut), cycles * PERIOD, &path) {
        panic!("{block}/{test} failed ({e:?}); the waveform is in {path}");
    }
}

/// A simulation of `T` with its `clock` toggling every [`HALF_PERIOD`].
macro_rules! clocked_sim {
    ($t:ty) => {{
        let mut sim = Simulation::<$t>::new();
        sim.add_clock(common::HALF_PERIOD, |x: &mut Box<$t>| {
            x.clock.next = !x.clock.val()
        });
        sim
    }};
}

/// `uut` with its connections made (`connect_all`), ready to simulate.
pub fn connected<T: Block>(mut uut: T) -> T {
    uut.connect_all();
    uut
}

/// One block test, written once instead of the same setup in every test:
///
/// ```ignore
/// block_test!(NAME, BlockType, uut, CYCLES, |sim, x| {
///     edge!(sim, x);
///     check!(sim, x, x.busy.val(), false, "idle");
/// });
/// ```
///
/// defines `#[test] fn NAME`, which runs the body as the testbench of
/// `uut` (a `BlockType` whose `clock` toggles every [`HALF_PERIOD`]) for
/// at most `CYCLES` cycles and writes `waveforms/<BLOCK>-NAME.vcd`, where
/// `BLOCK` is the calling file's block name. In the body, `sim` and `x`
/// are the testbench's endpoint and the block's signals, as `edge!`,
/// `settle!` and `check!` expect; the testbench ends when the body does.
macro_rules! block_test {
    ($name:ident, $t:ty, $uut:expr, $cycles:expr, |$sim:ident, $x:ident| $body:block) => {
        #[test]
        fn $name() {
            let uut = $uut;
            let mut sim = clocked_sim!($t);
            sim.add_testbench(move |mut $sim: Sim<$t>| {
                #[allow(unused_mut)]
                let mut $x = $sim.init()?;
                $body
                $sim.done($x)
            });
            common::run(sim, uut, BLOCK, stringify!($name), $cycles);
        }
    };
}

/// Move to just after the next rising edge of `clock`.
macro_rules! edge {
    ($sim:ident, $x:ident) => {
        if $x.clock.val().clk {
            wait_clock_false!($sim, clock, $x);
        }
        wait_clock_true!($sim, clock, $x);
    };
    ($sim:ident, $x:ident, $n:expr) => {
        for _ in 0..$n {
            edge!($sim, $x);
        }
    };
}

/// Move to the middle of the current cycle (clock low): the combinational
/// outputs have settled on the inputs set since the last edge.
macro_rules! settle {
    ($sim:ident, $x:ident) => {
        wait_clock_false!($sim, clock, $x);
    };
}

/// Compare a value with what it must be; on a mismatch, print the time,
/// the expression, both values (hex) and the context, and halt.
macro_rules! check {
    ($sim:ident, $x:ident, $actual:expr, $expected:expr, $($ctx:tt)+) => {{
        let actual = $actual;
        let expected = $expected;
        if actual != expected {
            println!(
                "FAIL at t = {} ps (cycle {}): {} = {:x?}, expected {:x?} (hex): {}",
                $sim.time(),
                $sim.time() / common::PERIOD,
                stringify!($actual),
                actual,
                expected,
                format!($($ctx)+)
            );
            return $sim.halt($x);
        }
    }};
}

/// Check that the Verilog of `uut` (with its sub-blocks) passes rust-hdl's
/// connection checks and Yosys's `proc` (no latches, no undriven wires).
/// Yosys works in a fresh folder under the system's temporary folder,
/// removed afterwards; nothing is written in the repository.
pub fn synthesises<U: Block>(name: &str, uut: &U) {
    if std::process::Command::new("yosys")
        .arg("-V")
        .output()
        .is_err()
    {
        panic!(
            "yosys is not installed; install it with `./setup.sh` (or `sudo apt-get install -y yosys`)"
        );
    }
    if let Err(e) = check_all(uut) {
        panic!("{name}: rust-hdl check failed: {e:?}");
    }
    let verilog = generate_verilog(uut);
    let folder = format!("ptu-rtl-yosys-{name}-{}", std::process::id());
    let result = yosys_validate(&folder, &verilog);
    let _ = std::fs::remove_dir_all(std::env::temp_dir().join(&folder));
    if let Err(e) = result {
        panic!("{name}: Yosys rejects the Verilog: {e:?}");
    }
}
