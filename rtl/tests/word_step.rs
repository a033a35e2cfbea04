//! `WordStep` (`x ± 8`) and `FrameStep` (`up ? x + 8 : x - 8`, the frame
//! sequencer's): their Verilog
//! (chunked carry chains with carry-ins computed beside them) is proved
//! equal to the plain sum for every 64-bit `x` (and `FrameStep<32>`'s,
//! `x ± 4`, for every 32-bit `x`) with Yosys' SAT solver,
//! and the proof is shown able to fail. Its rust-hdl model is checked at
//! the chunk boundaries and the wrap-around.

use ptu_rtl::primitives::{FrameStep as FrameStepOf, WordStep, STEP_CHUNK_BITS};

/// The 64-bit step.
type FrameStep = FrameStepOf<64>;
use rust_hdl::prelude::*;
use std::path::PathBuf;
use std::process::Command;

/// A fresh folder under the system's temporary folder.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ptu-word-step-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Asks Yosys' SAT solver whether `step`'s Verilog equals `expect` (a
/// Verilog expression of `x`) for every `x`: `Ok(())` if proved, the log
/// if not.
fn prove(name: &str, step: WordStep, expect: &str) -> Result<(), String> {
    let mut uut = step;
    uut.connect_all();
    let verilog = generate_verilog(&uut).replace("module top(", "module word_step(");
    let dir = scratch(name);
    let miter = format!(
        "{verilog}\n\
         module miter(input wire [63:0] x, output wire ok);\n\
         \x20   wire [63:0] y;\n\
         \x20   word_step uut(.x(x), .y(y));\n\
         \x20   assign ok = y == ({expect});\n\
         endmodule\n"
    );
    std::fs::write(dir.join("miter.v"), miter).unwrap();
    let out = Command::new("yosys")
        .current_dir(&dir)
        .args([
            "-q",
            "-p",
            "read_verilog miter.v; prep -top miter; flatten; sat -prove ok 1 -verify -show-inputs",
        ])
        .output()
        .unwrap_or_else(|e| panic!("cannot run yosys ({e}); install it with ./setup.sh"));
    if out.status.success() {
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

#[test]
fn verilog_of_up_is_x_plus_8_for_every_x() {
    prove("up", WordStep::up(), "x + 64'd8").unwrap();
}

#[test]
fn verilog_of_down_is_x_minus_8_for_every_x() {
    prove("down", WordStep::down(), "x - 64'd8").unwrap();
}

#[test]
fn the_proof_fails_for_a_wrong_claim() {
    // The same proof must be able to fail: `up` is not `x + 16`, and
    // `down` is not `x - 8` with the carry between chunks dropped.
    assert!(prove("wrong-up", WordStep::up(), "x + 64'd16").is_err());
    let no_borrow = format!(
        "{{x[63:{hi}], x[{lo}:0] - {w}'d8}}",
        hi = 3 + STEP_CHUNK_BITS,
        lo = 2 + STEP_CHUNK_BITS,
        w = 3 + STEP_CHUNK_BITS
    );
    let err = prove("wrong-down", WordStep::down(), &no_borrow).unwrap_err();
    assert!(err.contains("proof did fail"), "{err}");
}

#[test]
fn model_steps_across_chunk_boundaries_and_wraps() {
    let mut up = WordStep::up();
    let mut down = WordStep::down();
    up.connect_all();
    down.connect_all();
    let edge = 1u64 << (3 + STEP_CHUNK_BITS);
    for x in [
        0u64,
        8,
        edge - 8,
        edge,
        edge + 3,
        u64::MAX,
        u64::MAX - 7,
        1 << 63,
    ] {
        up.x.next = x.into();
        down.x.next = x.into();
        assert!(simulate(&mut up, 10));
        assert!(simulate(&mut down, 10));
        assert_eq!(up.y.val().to_u64(), x.wrapping_add(8), "up {x:#x}");
        assert_eq!(down.y.val().to_u64(), x.wrapping_sub(8), "down {x:#x}");
    }
}

/// Asks Yosys' SAT solver whether the Verilog of `FrameStep<XLEN>`
/// equals `expect` (a Verilog expression of `x` and `up`) for every `x`
/// and `up`, and its gated output `w` is `en ? expect : keep ? x : 0`
/// for every `en` and `keep`.
fn prove_frame_step<const XLEN: usize>(name: &str, expect: &str) -> Result<(), String> {
    let mut uut = FrameStepOf::<XLEN>::default();
    uut.connect_all();
    let verilog = generate_verilog(&uut).replace("module top(", "module frame_step(");
    let dir = scratch(name);
    let miter = format!(
        "{verilog}\n\
         module miter(input wire [{m}:0] x, input wire up, input wire en, input wire keep, output wire ok);\n\
         \x20   wire [{m}:0] y;\n\
         \x20   wire [{m}:0] w;\n\
         \x20   frame_step uut(.x(x), .up(up), .en(en), .keep(keep), .y(y), .w(w));\n\
         \x20   assign ok = y == ({expect}) && w == (en ? ({expect}) : keep ? x : {xlen}'d0);\n\
         endmodule\n",
        m = XLEN - 1,
        xlen = XLEN
    );
    std::fs::write(dir.join("miter.v"), miter).unwrap();
    let out = Command::new("yosys")
        .current_dir(&dir)
        .args([
            "-q",
            "-p",
            "read_verilog miter.v; prep -top miter; flatten; sat -prove ok 1 -verify -show-inputs",
        ])
        .output()
        .unwrap_or_else(|e| panic!("cannot run yosys ({e}); install it with ./setup.sh"));
    let _ = std::fs::remove_dir_all(&dir);
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

#[test]
fn verilog_of_frame_step_is_x_plus_or_minus_8_for_every_x() {
    prove_frame_step::<64>("frame", "up ? x + 64'd8 : x - 64'd8").unwrap();
    // The same proof fails when the direction is the other way round.
    let err = prove_frame_step::<64>("frame-wrong", "up ? x - 64'd8 : x + 64'd8").unwrap_err();
    assert!(err.contains("proof did fail"), "{err}");
}

#[test]
fn verilog_of_the_32_bit_frame_step_is_x_plus_or_minus_4_for_every_x() {
    prove_frame_step::<32>("frame32", "up ? x + 32'd4 : x - 32'd4").unwrap();
    // A step of 8 (the 64-bit unit's word) is not the 32-bit unit's.
    let err = prove_frame_step::<32>("frame32-wrong", "up ? x + 32'd8 : x - 32'd8").unwrap_err();
    assert!(err.contains("proof did fail"), "{err}");
}

#[test]
fn the_32_bit_frame_step_model_steps_by_4_and_wraps_at_2_pow_32() {
    let mut step = FrameStepOf::<32>::default();
    step.connect_all();
    // A chunk boundary of the 30-bit word index, or its top bit.
    let edge = 1u64 << (2 + STEP_CHUNK_BITS).min(31);
    for x in [0u64, 4, edge - 4, edge, 0xffff_fffc, 1 << 31] {
        for up in [false, true] {
            step.x.next = x.into();
            step.up.next = up;
            assert!(simulate(&mut step, 10));
            let want = if up {
                x.wrapping_add(4)
            } else {
                x.wrapping_sub(4)
            } & 0xffff_ffff;
            assert_eq!(step.y.val().to_u64(), want, "up {up} {x:#x}");
        }
    }
}

#[test]
fn frame_step_model_steps_both_ways() {
    let mut step = FrameStep::default();
    step.connect_all();
    let edge = 1u64 << (3 + STEP_CHUNK_BITS);
    for x in [0u64, 8, edge - 8, edge, u64::MAX - 7, 1 << 63] {
        for up in [false, true] {
            step.x.next = x.into();
            step.up.next = up;
            assert!(simulate(&mut step, 10));
            let want = if up {
                x.wrapping_add(8)
            } else {
                x.wrapping_sub(8)
            };
            assert_eq!(step.y.val().to_u64(), want, "up {up} {x:#x}");
        }
    }
}

#[test]
fn frame_step_model_gates_w() {
    let mut step = FrameStep::default();
    step.connect_all();
    let x = 1u64 << (3 + STEP_CHUNK_BITS);
    for up in [false, true] {
        for (en, keep) in [(false, false), (false, true), (true, false), (true, true)] {
            step.x.next = x.into();
            step.up.next = up;
            step.en.next = en;
            step.keep.next = keep;
            assert!(simulate(&mut step, 10));
            let want = match (en, keep) {
                (true, _) => step.y.val().to_u64(),
                (false, true) => x,
                (false, false) => 0,
            };
            assert_eq!(step.w.val().to_u64(), want, "up {up} en {en} keep {keep}");
        }
    }
}
