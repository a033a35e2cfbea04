//! `SocBoard`: the SoC ([`crate::soc::Soc`]) made for an FPGA board,
//! emitted as module `ptu_soc_board`, and the SoC as a design for the flow
//! (`ptu build --board B --design soc`).
//!
//! * **Clock**: the board's, or an iCE40 PLL's output (the demo's
//!   [`ClockGen`]); the UART's cycles per bit come from that frequency
//!   (115200 baud on the boards).
//! * **Reset**: a power-on reset ([`PowerOnReset`]) for `por_cycles`,
//!   then the run button (`button`, debounced): one press resets the
//!   core, the unit and the devices for one cycle, so the kernel boots
//!   again from its first instruction. The RAM is not reset (block RAM
//!   gets its contents with the bitstream only), but the kernel sets up
//!   its writable data at boot from read-only initial copies, so the
//!   second run prints the first one's transcript (`soc/tests/board_sim.rs`).
//! * **NMI**: the inject button (`nmi_button`, debounced) gives one
//!   cycle on the SoC's `nmi`, which the unit takes on its rising edge.
//! * **The kernel** (`soc/programs/kernel/kernel.S`) is the RAM's initial
//!   contents, in the Verilog (the block RAM is loaded with the
//!   bitstream). It prints over the UART (`tx`, 8N1). On the iCE40UP5K
//!   ([`ram_kind`]) the RAM is the part's SPRAM, which the bitstream
//!   cannot load: a boot ROM in block RAM holds the kernel and the RAM
//!   copies it into the SPRAM after configuration, holding the SoC in
//!   reset meanwhile (`spram.rs`; 8,193 cycles, 0.7 ms at 12 MHz, inside
//!   the power-on reset).
//! * **LEDs** (`led`, after the board's polarities): 0 `tohost` says
//!   pass (1), 1 `tohost` says anything else, 2 heartbeat (bit 23 of a
//!   free-running counter: the clock runs), 3 an NMI was injected since
//!   the last reset, 4 the kernel runs (no `tohost` yet).
//!
//! The buttons' debouncer, the power-on reset and the clock generator are
//! the board demo's (`ptu-demo`), so both designs behave the same on the
//! board; so is the placement of the ports on the board's resources and
//! their polarities ([`ptu_demo::design::ports_on`],
//! [`ptu_demo::design::active_low`]). What both tops still write alike is
//! one clock, reset or pin assignment per block in `update`, which
//! `#[hdl_gen]` needs in the top that owns the block.
//!
//! Which boards it fits: [`fits`] says it before any tool runs, from the
//! part's block RAM and LUTs (`ptu_synth::boards`).

use crate::kernel;
use crate::map;
use crate::soc::{self, Soc, SocConfig};
use crate::spram::RamKind;
use anyhow::{anyhow, bail, Result};
use ptu_demo::clock_gen::ClockGen;
use ptu_demo::debouncer::Debouncer;
use ptu_demo::design;
use ptu_demo::power_on_reset::PowerOnReset;
use ptu_synth::boards::{Board, Family, Ice40Pll};
use ptu_synth::design::{Design, Elaborate, PortMap};
use rust_hdl::prelude::*;

/// Name of the emitted top module.
pub const TOP: &str = "ptu_soc_board";
/// The top's clock port.
pub const CLOCK_PORT: &str = "clock";
/// Number of LEDs the top drives.
pub const LEDS: usize = 5;
/// LED bit: `tohost` is 1 (the kernel passed).
pub const LED_PASS: usize = 0;
/// LED bit: `tohost` is another value (the kernel failed).
pub const LED_FAIL: usize = 1;
/// LED bit: the heartbeat.
pub const LED_HEARTBEAT: usize = 2;
/// LED bit: an NMI was injected since the last reset.
pub const LED_NMI: usize = 3;
/// LED bit: the kernel runs (no `tohost` yet).
pub const LED_RUNNING: usize = 4;
/// Bits of the heartbeat counter; its top bit is the LED (0.7 s at
/// 25 MHz, 1.4 s at 12 MHz).
const HEARTBEAT_BITS: usize = 24;

// What the SoC's board top needs, for [`fits`] to refuse a board before
// any tool runs. These are measurements of the flow's own builds (`ptu
// build --board B --design soc`: Yosys, then nextpnr's packing), not
// estimates of a model; the build itself measures again and its report
// (`synth/build/B-soc/report.json`) is the figure that counts. Re-measure
// them when the SoC changes much. Only the iCEBreaker's is ever close to
// its part; the ULX3S's is far inside its 83,640.

/// Logic cells of the RV64I SoC's board top on the ULX3S (ECP5
/// LFE5U-85F; the only board with the RV64I SoC): 11,043, nextpnr-ecp5's
/// count of `ptu build --board ulx3s --design soc` (seed 1) on the tree
/// of commit 802476f (9,487 LUT4, 537 carries, 2,139 flip-flops, 32
/// DP16KD; docs/soc-boards.md, "Figures").
pub const SOC64_CELLS: u64 = 11_043;

/// Logic cells the RV32I SoC's board top with the RAM in the UP5K's
/// SPRAM needs (the iCEBreaker's): 5,069 of the part's 5,280 (96 %),
/// nextpnr-ice40's packing of Yosys `synth_ice40` flattened (4,354 LUT4,
/// 636 carries, 1,294 flip-flops, 12 block RAMs, 4 `SB_SPRAM256KA`),
/// measured with `ptu build --board icebreaker --design soc` on 3 December
/// 2026 with the 32-bit unit (`Ptu<32>`) and the SoC's 32-bit device
/// registers. (With the 64-bit unit behind a zero-extension seam it was
/// 5,918, commit 2258ff5.) An iCE40 logic cell is one LUT4 with its carry
/// and flip-flop, the part's "LUTs" of `ptu_synth::boards`.
pub const SOC32_SPRAM_CELLS: u64 = 5_069;
/// The LUT4s, carries and flip-flops nextpnr packed into
/// [`SOC32_SPRAM_CELLS`] (for the refusal's message).
pub const SOC32_SPRAM_PACKED: (u64, u64, u64) = (4_354, 636, 1_294);

/// The same RV32I SoC with the RAM in inferred block RAM (the Alchitry
/// Cu's iCE40HX8K): taken as [`SOC32_SPRAM_CELLS`], not measured, since
/// its RAM does not fit the part (below) whatever its logic.
pub const SOC32_CELLS: u64 = SOC32_SPRAM_CELLS;

/// How the SoC's top is built for a board.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoardOptions {
    /// Frequency of the logic's clock, in Hz (the board's, or the PLL's).
    pub clock_hz: u64,
    /// UART baud rate (115200 on the boards).
    pub baud: u64,
    /// Cycles everything is held in reset after configuration.
    pub por_cycles: u64,
    /// Cycles a button must be stable to count.
    pub debounce_cycles: u64,
    /// LEDs that light when their pin is low (bit `i` for `led[i]`).
    pub led_active_low: u8,
    /// The run button's pin is low when pressed.
    pub button_active_low: bool,
    /// The NMI button's pin is low when pressed.
    pub nmi_active_low: bool,
    /// Run from an iCE40 PLL; `clock_hz` is then its output.
    pub pll: Option<Ice40Pll>,
}

impl BoardOptions {
    /// A `clock_hz` clock: 115200 baud, 1 ms power-on reset, 10 ms
    /// debounce, active-high LEDs and buttons.
    pub fn new(clock_hz: u64) -> Self {
        Self {
            clock_hz,
            baud: 115_200,
            por_cycles: clock_hz / 1000,
            debounce_cycles: clock_hz / 100,
            led_active_low: 0,
            button_active_low: false,
            nmi_active_low: false,
            pll: None,
        }
    }
}

/// The SoC's board top (see the module documentation).
///
/// `SocBoard` holds the RV64I SoC, `SocBoard<32>` the RV32I one.
#[derive(LogicBlock)]
pub struct SocBoard<const XLEN: usize = 64> {
    /// The board clock.
    pub clock: Signal<In, Clock>,
    /// Run button: runs the kernel again from reset.
    pub button: Signal<In, Bit>,
    /// Inject button: an NMI.
    pub nmi_button: Signal<In, Bit>,
    /// UART transmit line, 8N1.
    pub tx: Signal<Out, Bit>,
    /// LEDs: pass, fail, heartbeat, NMI injected, running.
    pub led: Signal<Out, Bits<LEDS>>,
    clock_gen: ClockGen,
    power_on: PowerOnReset,
    run_btn: Debouncer,
    nmi_btn: Debouncer,
    soc: Soc<XLEN>,
    heartbeat: DFF<Bits<HEARTBEAT_BITS>>,
    nmi_seen: DFF<Bit>,
    pass_value: Constant<Bits<64>>,
    led_invert: Constant<Bits<LEDS>>,
    clk: Signal<Local, Clock>,
    restart: Signal<Local, Bit>,
}

impl<const XLEN: usize> SocBoard<XLEN> {
    /// The top for `opts` around the SoC of `cfg` (whose `cycles_per_bit`
    /// it replaces by the one `opts` gives); `cfg.cpu.xlen` must be
    /// `XLEN`.
    pub fn new(cfg: &SocConfig, opts: &BoardOptions) -> Result<Self> {
        let mut cfg = cfg.clone();
        cfg.cycles_per_bit = crate::uart_tx::divisor(opts.clock_hz, opts.baud)?;
        let button =
            |active_low| Debouncer::new("debounce_cycles", active_low, opts.debounce_cycles);
        Ok(Self {
            clock: Default::default(),
            button: Default::default(),
            nmi_button: Default::default(),
            tx: Default::default(),
            led: Default::default(),
            clock_gen: ClockGen::new(opts.pll),
            power_on: PowerOnReset::new(opts.por_cycles)?,
            run_btn: button(opts.button_active_low)?,
            nmi_btn: button(opts.nmi_active_low)?,
            soc: Soc::<XLEN>::with_xlen(&cfg)?,
            heartbeat: Default::default(),
            nmi_seen: Default::default(),
            pass_value: Constant::new(1u64.into()),
            led_invert: Constant::new((opts.led_active_low as u64).into()),
            clk: Default::default(),
            restart: Default::default(),
        })
    }
}

impl<const XLEN: usize> Logic for SocBoard<XLEN> {
    #[hdl_gen]
    fn update(&mut self) {
        // ---- Clock, power-on reset, buttons.
        self.clock_gen.clock_in.next = self.clock.val();
        self.clk.next = self.clock_gen.clock_out.val();
        self.power_on.clock.next = self.clk.val();
        self.run_btn.clock.next = self.clk.val();
        self.nmi_btn.clock.next = self.clk.val();
        self.soc.clock.next = self.clk.val();
        self.heartbeat.clock.next = self.clk.val();
        self.nmi_seen.clock.next = self.clk.val();
        self.run_btn.reset.next = self.power_on.reset.val();
        self.nmi_btn.reset.next = self.power_on.reset.val();
        self.run_btn.pin.next = self.button.val();
        self.nmi_btn.pin.next = self.nmi_button.val();

        // ---- The SoC.
        self.restart.next = self.power_on.reset.val() | self.run_btn.press.val();
        self.soc.reset.next = self.restart.val();
        self.soc.nmi.next = self.nmi_btn.press.val();
        self.tx.next = self.soc.tx.val();

        // ---- LEDs.
        self.heartbeat.d.next = self.heartbeat.q.val() + 1;
        self.nmi_seen.d.next = self.nmi_seen.q.val() | self.nmi_btn.press.val();
        if self.restart.val() {
            self.nmi_seen.d.next = false;
        }
        self.led.next = (bit_cast::<LEDS, 1>(
            (self.soc.tohost_valid.val() & (self.soc.tohost.val() == self.pass_value.val())).into(),
        ) | (bit_cast::<LEDS, 1>(
            (self.soc.tohost_valid.val() & (self.soc.tohost.val() != self.pass_value.val())).into(),
        ) << 1)
            | (bit_cast::<LEDS, 1>(self.heartbeat.q.val().get_bit(23).into()) << 2)
            | (bit_cast::<LEDS, 1>(self.nmi_seen.q.val().into()) << 3)
            | (bit_cast::<LEDS, 1>((!self.soc.tohost_valid.val()).into()) << 4))
            ^ self.led_invert.val();
    }
}

/// rust-hdl's own Verilog of the board top (top module `top`).
pub fn raw(cfg: &SocConfig, opts: &BoardOptions) -> Result<String> {
    cfg.validate()?;
    match cfg.cpu.xlen {
        32 => raw_for::<32>(cfg, opts),
        _ => raw_for::<64>(cfg, opts),
    }
}

fn raw_for<const XLEN: usize>(cfg: &SocConfig, opts: &BoardOptions) -> Result<String> {
    let mut top = SocBoard::<XLEN>::new(cfg, opts)?;
    top.connect_all();
    check_all(&top)
        .map_err(|e| anyhow!("rust-hdl design check of the SoC's board top failed: {e:?}"))?;
    Ok(generate_verilog(&top))
}

/// The Verilog of the board top, module [`TOP`], through the project's
/// emitter. The RAM's initial contents are `cfg`'s image.
pub fn emit(cfg: &SocConfig, opts: &BoardOptions) -> Result<String> {
    let mut cfg = cfg.clone();
    cfg.image_in_verilog = true;
    let cycles_per_bit = crate::uart_tx::divisor(opts.clock_hz, opts.baud)?;
    let header = format!(
        "// {TOP}.v: the ptu SoC on a board (soc/src/board.rs): an {} core whose pc, sp and tp\n\
         // are the unit's, 64 KiB of RAM holding the kernel, UART, timer, NMI button.\n{}\
         // Generated by ptu {} (rust-hdl 0.46.0) with `ptu build --design soc`; do not edit.\n\
         // Unit configuration: {}; RAM {} bytes ({} bytes of program image) in {}; clock {} Hz{}; \
         UART {} baud ({cycles_per_bit} cycles per bit).\n",
        if cfg.cpu.xlen == 32 { "RV32I" } else { "RV64I" },
        if cfg.cpu.xlen == 32 {
            "// The RV32I core and the 32-bit unit; the unit's frame words are halves of the 64-bit RAM words.\n"
        } else {
            ""
        },
        env!("CARGO_PKG_VERSION"),
        cfg.unit().describe(),
        cfg.ram_words * 8,
        cfg.image.len(),
        cfg.ram_kind.describe(),
        opts.clock_hz,
        match &opts.pll {
            Some(p) => format!(
                " (iCE40 PLL: DIVR {} DIVF {} DIVQ {} FILTER_RANGE {})",
                p.divr, p.divf, p.divq, p.filter_range
            ),
            None => String::new(),
        },
        opts.baud,
    );
    ptu_emit::tidy(&raw(&cfg, opts)?, TOP, &header)
}

/// The Verilator waivers of the emitted board top.
pub const WAIVERS: &str = include_str!("../ptu_soc_board.vlt");

/// The Verilator waivers of the board top around the SoC of `cfg`:
/// [`WAIVERS`], and for an RV32I core the RV32I SoC's
/// (`soc/ptu_soc_rv32.vlt`, the same lines for this file).
pub fn waivers(cfg: &SocConfig) -> String {
    if cfg.cpu.xlen == 32 {
        let rv32 = crate::verilator::WAIVERS_RV32
            .strip_prefix("`verilator_config\n")
            .unwrap_or(crate::verilator::WAIVERS_RV32)
            .replace("-file \"*ptu_soc.v\"", "-file \"*ptu_soc_board.v\"");
        format!("{WAIVERS}\n{rv32}")
    } else {
        WAIVERS.to_string()
    }
}

/// The SoC holding the kernel (`soc/programs/kernel/kernel.S`, assembled
/// now) with the memory map's 64 KiB of RAM, in inferred block RAM.
pub fn kernel_soc() -> Result<SocConfig> {
    kernel_soc_xlen(64)
}

/// [`kernel_soc`] with an RV64I (`xlen` 64) or RV32I (32) core and the
/// kernel built for it.
pub fn kernel_soc_xlen(xlen: usize) -> Result<SocConfig> {
    let k = kernel::build_xlen(kernel::Variant::Correct, xlen)?;
    Ok(if xlen == 32 {
        SocConfig::rv32(k.program.image)
    } else {
        SocConfig::new(k.program.image)
    })
}

/// [`kernel_soc`] as `board` gets it: the core [`xlen`] says, the RAM
/// [`ram_kind`] says.
pub fn kernel_soc_for(board: &Board) -> Result<SocConfig> {
    let mut cfg = kernel_soc_xlen(xlen(board))?;
    cfg.ram_kind = ram_kind(board);
    Ok(cfg)
}

/// The core's width on `board`: 32 (RV32I) on the iCE40 parts, whose
/// LUTs cannot take the 64-bit SoC (7,559 LUT4 with its RAM in SPRAM,
/// `ptu bench synth --design soc --parts up5k`, for the UP5K's 5,280),
/// 64 (RV64I) on the others. The RV32I SoC has the 32-bit unit
/// (`Ptu<32>`, docs/soc.md "RV32I").
pub fn xlen(board: &Board) -> usize {
    if board.family == Family::Ice40 {
        32
    } else {
        64
    }
}

/// The RAM the SoC gets on `board`: the iCE40UP5K's SPRAM (its block RAM
/// is 15 KiB), inferred block RAM on every other part.
pub fn ram_kind(board: &Board) -> RamKind {
    if board.family == Family::Ice40 && board.part.starts_with("iCE40UP5K") {
        RamKind::Up5kSpram
    } else {
        RamKind::Inferred
    }
}

/// Each port of the top but the clock, with the board resource it goes
/// to: the run button on the board's own button (`button0`), the NMI
/// button on `button1`, `tx` on the serial port, `led[i]` on `led{i}` (as
/// the board demo's, [`ptu_demo::design::port_map`], without its IRQ
/// button).
pub fn port_map() -> Vec<PortMap> {
    design::ports_on(
        &[
            ("button", "button0"),
            ("nmi_button", "button1"),
            ("tx", "uart_tx"),
        ],
        LEDS,
    )
}

/// The top's options on `board`: its clock (or PLL) and the polarity of
/// every LED and button from the resource it is on.
pub fn options(board: &Board) -> Result<BoardOptions> {
    let mut o = BoardOptions::new(board.design_clock_hz());
    o.pll = board.pll;
    let map = port_map();
    o.button_active_low = design::active_low(board, &map, "button")?;
    o.nmi_active_low = design::active_low(board, &map, "nmi_button")?;
    o.led_active_low = design::leds_active_low(board, &map, LEDS)?;
    Ok(o)
}

/// The logic cells the SoC's board top needs on `board`, for the core
/// [`xlen`] gives it and the RAM [`ram_kind`] gives it (the measured
/// figures above).
pub fn luts_needed(board: &Board) -> u64 {
    match (xlen(board), ram_kind(board)) {
        (32, RamKind::Up5kSpram) => SOC32_SPRAM_CELLS,
        (32, RamKind::Inferred) => SOC32_CELLS,
        _ => SOC64_CELLS,
    }
}

/// Whether the SoC fits `board`'s part: its RAM (64 KiB, the memory
/// map's: the kernel below 0x8000, the user window above) must be
/// inferable block RAM, or the UP5K's SPRAM ([`ram_kind`]), and its LUTs
/// ([`luts_needed`]) must be there. The error is one line: why, and what
/// to build instead.
pub fn fits(board: &Board) -> Result<()> {
    let ram = map::RAM_BYTES;
    let mut why = Vec::new();
    if ram_kind(board) == RamKind::Inferred && board.block_ram_bytes < ram {
        why.push(format!(
            "its {} KiB of RAM need block RAM and the part has {} KiB",
            ram / 1024,
            board.block_ram_bytes / 1024
        ));
    }
    let luts = luts_needed(board);
    if board.luts < luts {
        why.push(if xlen(board) == 32 {
            let (lut4, carries, ffs) = SOC32_SPRAM_PACKED;
            format!(
                "it needs {luts} logic cells (nextpnr's packing of {lut4} LUT4, {carries} carries and {ffs} flip-flops) and the part has {}",
                board.luts
            )
        } else {
            format!("it needs {luts} logic cells and the part has {}", board.luts)
        });
    }
    if why.is_empty() {
        return Ok(());
    }
    let spram = if ram_kind(board) == RamKind::Up5kSpram {
        " (its RAM goes into the part's SPRAM)"
    } else {
        ""
    };
    bail!(
        "the {} SoC does not fit the {} ({}): {}{spram}; build it for the ulx3s (`--board ulx3s --design soc`), \
         or build the board demo here (`--design demo`){}",
        if xlen(board) == 32 { "RV32I" } else { "64-bit" },
        board.name,
        board.part,
        why.join(", and "),
        "",
    )
}

/// The SoC with its kernel as the flow builds it.
#[derive(Clone, Debug, Default)]
pub struct SocBuild;

impl Elaborate for SocBuild {
    fn describe(&self, board: &Board) -> String {
        format!(
            "SoC top `{TOP}` for {} (the kernel {} in {})",
            board.title,
            kernel::SOURCE,
            match ram_kind(board) {
                RamKind::Inferred => "block RAM",
                RamKind::Up5kSpram => "SPRAM, copied in at power-up from a block-RAM boot ROM",
            }
        )
    }

    fn elaborate(&self, board: &Board) -> Result<Design> {
        fits(board)?;
        let cfg = kernel_soc_for(board)?;
        let opts = options(board)?;
        let verilog = emit(&cfg, &opts)?;
        Ok(Design {
            name: "the ptu SoC with its kernel".into(),
            top: TOP.into(),
            verilog,
            clock_port: CLOCK_PORT.into(),
            clock_hz: opts.clock_hz,
            ports: port_map(),
            // The RV64I SoC keeps the unit as its own module; the RV32I one
            // is flattened, so that Yosys drops what the seam's zero
            // extension leaves constant in the 64-bit unit (5,918 logic
            // cells flattened, 6,710 kept, on the UP5K). Flattened cells
            // keep their hierarchical names (`soc.ptu.…`).
            keep: if cfg.cpu.xlen == 64 {
                vec![(
                    format!("{TOP}_soc_ptu"),
                    format!(
                        "The unit (module {TOP}_soc_ptu) is kept as its own module, so that its\n\
                         cells and the nets of the critical path that cross it carry its name."
                    ),
                )]
            } else {
                vec![]
            },
            files: vec![],
            figures: vec![("kernel_image_bytes".into(), cfg.image.len() as u64)],
        })
    }
}

/// The module names the emitter gives the SoC's blocks inside the top.
pub fn unit_module() -> String {
    format!("{TOP}_soc_ptu")
}

/// The SoC's own Verilog (module `ptu_soc`) for `board`'s clock, for
/// synthesis figures of the SoC alone (`ptu bench synth`).
pub fn soc_for(board: &Board) -> Result<String> {
    let mut cfg = kernel_soc_for(board)?;
    cfg.cycles_per_bit = crate::uart_tx::divisor(board.design_clock_hz(), 115_200)?;
    soc::emit(&cfg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ptu_synth::boards;

    #[test]
    fn the_soc_fits_the_ulx3s_and_the_icebreaker() {
        assert!(fits(&boards::find("ulx3s").unwrap()).is_ok());
        // The iCEBreaker gets the RV32I SoC with the 32-bit unit, its RAM
        // in SPRAM: 5,069 logic cells of 5,280.
        let ice = boards::find("icebreaker").unwrap();
        assert!(fits(&ice).is_ok());
        assert_eq!(luts_needed(&ice), SOC32_SPRAM_CELLS);
        assert!(luts_needed(&ice) < ice.luts);
        // A part with fewer cells is refused for them, in one line.
        let small = Board {
            luts: 5000,
            ..ice.clone()
        };
        let e = fits(&small).unwrap_err().to_string();
        assert!(
            e.starts_with("the RV32I SoC does not fit the icebreaker"),
            "{e}"
        );
        assert!(!e.contains("KiB of RAM"), "{e}");
        assert!(e.contains("its RAM goes into the part's SPRAM"), "{e}");
        assert!(
            e.contains("it needs 5069 logic cells (nextpnr's packing of 4354 LUT4")
                && e.contains("the part has 5000"),
            "{e}"
        );
        assert!(e.contains("--board ulx3s --design soc"), "{e}");
        assert!(!e.contains('\n'), "{e}");
        // The Alchitry Cu's block RAM cannot hold the RAM; its logic cells
        // would take the RV32I SoC.
        let e = fits(&boards::find("alchitry-cu").unwrap())
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("the RV32I SoC does not fit the alchitry-cu"),
            "{e}"
        );
        assert!(e.contains("the part has 16 KiB"), "{e}");
        assert!(!e.contains("logic cells"), "{e}");
    }

    #[test]
    fn the_ice40_boards_get_the_rv32i_soc_and_the_ulx3s_the_rv64i_one() {
        for (b, x) in [("icebreaker", 32), ("alchitry-cu", 32), ("ulx3s", 64)] {
            let board = boards::find(b).unwrap();
            assert_eq!(xlen(&board), x, "{b}");
            assert_eq!(kernel_soc_for(&board).unwrap().cpu.xlen, x, "{b}");
        }
        let ice = boards::find("icebreaker").unwrap();
        let v = emit(&kernel_soc_for(&ice).unwrap(), &options(&ice).unwrap()).unwrap();
        assert!(
            v.contains("an RV32I core whose pc, sp and tp"),
            "{}",
            &v[..400]
        );
        assert!(v.contains("The RV32I core and the 32-bit unit"));
    }

    #[test]
    fn the_up5k_gets_spram_and_the_others_block_ram() {
        assert_eq!(
            ram_kind(&boards::find("icebreaker").unwrap()),
            RamKind::Up5kSpram
        );
        for b in ["ulx3s", "alchitry-cu"] {
            assert_eq!(ram_kind(&boards::find(b).unwrap()), RamKind::Inferred);
        }
        let cfg = kernel_soc_for(&boards::find("icebreaker").unwrap()).unwrap();
        assert_eq!(cfg.ram_kind, RamKind::Up5kSpram);
    }

    #[test]
    fn options_follow_the_boards_resources() {
        let o = options(&boards::find("ulx3s").unwrap()).unwrap();
        assert_eq!(o.clock_hz, 25_000_000);
        assert!(!o.button_active_low && !o.nmi_active_low && o.led_active_low == 0);
        let o = options(&boards::find("icebreaker").unwrap()).unwrap();
        assert!(o.button_active_low && !o.nmi_active_low);
        assert_eq!(o.led_active_low, 0b00011);
    }
}
