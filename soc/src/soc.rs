//! `Soc`: the core, the unit, RAM, a UART transmitter, the timer and
//! `tohost` (`docs/soc.md`, "Memory map"), emitted as module `ptu_soc`.
//!
//! * **RAM**: 64 KiB of 64-bit words ([`SocRam`], synchronous read),
//!   loaded with the program image. The core reads a word in one cycle and
//!   has it in the next; a store is a whole-word write of the word the
//!   core read and merged. The unit's frame bus shares the RAM: while the
//!   unit is `busy` the core asks for nothing, so the frame bus has the
//!   RAM's port. A frame write answers in its cycle; a frame read in the
//!   next (one wait state, the read being synchronous). A frame access
//!   outside RAM or not aligned to the unit's word (8 bytes, 4 with the
//!   32-bit unit) answers `mem_err`. The 32-bit unit's words are halves of
//!   a RAM word: a frame read answers the half, a frame write reads the
//!   RAM word first and writes it back with its half merged in, so it
//!   answers in the next cycle too.
//! * **Devices** (registers of 8 bytes at `0x1000_0000`): a read returns
//!   the register in the next cycle, like RAM; a store writes the whole
//!   register with the merged word (so a narrow store writes its bytes and
//!   keeps the others). UART: a store sends the low byte; a read is 1 while
//!   sending. `mtime`: cycles since reset, read only. `mtimecmp`: `irq`
//!   (vector 0x20) while it is not 0 and `mtime >= mtimecmp`. `tohost`: a
//!   store sets `tohost` and raises `tohost_valid` until reset. The
//!   registers are `XLEN` bits: on the RV32I SoC `mtime`, `mtimecmp` and
//!   `tohost` are 32 bits (the register's upper word reads 0 and ignores
//!   stores; `mtime` wraps at 2^32 cycles, 358 s at 12 MHz), which the
//!   iCEBreaker's logic cells need.
//! * **NMI**: the `nmi` input goes to the unit's `nmi` (edge-triggered
//!   there).
//! * **RV32I** (`Soc<32>`, `SocConfig::cpu.xlen` 32): the core is
//!   `Cpu<32>` and the unit `Ptu<32>` (docs/spec.md, 14.1), wired port to
//!   port as in `Soc<64>`; its frames are six 4-byte words (docs/soc.md,
//!   "RV32I").

use crate::cpu::{Cpu, CpuConfig};
use crate::map;
use crate::spram::{RamKind, SocRam};
use crate::uart_tx::UartTx;
use anyhow::{anyhow, bail, Result};
use ptu_arch::PtuConfig;
use ptu_rtl::Ptu;
use rust_hdl::prelude::*;

/// Name of the emitted top module.
pub const TOP: &str = "ptu_soc";

/// Bits of a RAM word address (64 KiB of 64-bit words).
pub const RAM_WORD_BITS: usize = 13;

/// How the SoC is built.
#[derive(Clone, Debug)]
pub struct SocConfig {
    /// The unit's configuration (`reset_rip` must be `map::RAM_BASE`); its
    /// `xlen` is the core's ([`SocConfig::unit`]).
    pub ptu: PtuConfig,
    /// 64-bit words of RAM: 8192 (64 KiB, the memory map's) or, for proofs
    /// that cannot afford it, a smaller power of two (addresses wrap).
    pub ram_words: usize,
    /// Clock cycles per UART bit (104: 115200 baud at 12 MHz).
    pub cycles_per_bit: u64,
    /// RAM contents from address 0 (at most the RAM's size).
    pub image: Vec<u8>,
    /// Put the image into the Verilog as the RAM's `initial` contents
    /// (boards; the Verilator harness loads the RAM itself).
    pub image_in_verilog: bool,
    /// The core's configuration: its width (`xlen` 64 builds `Soc<64>`,
    /// 32 builds `Soc<32>`) and, for tests, a mutant.
    pub cpu: CpuConfig,
    /// How the RAM is built: inferred block RAM, or the iCE40UP5K's SPRAM
    /// loaded at power-up (`spram.rs`; the SoC waits in reset meanwhile).
    pub ram_kind: RamKind,
}

impl SocConfig {
    /// The SoC of `docs/soc.md` holding `image`, with a fast UART
    /// (4 cycles per bit) for simulation.
    pub fn new(image: Vec<u8>) -> Self {
        Self {
            ptu: PtuConfig::default(),
            ram_words: (map::RAM_BYTES / 8) as usize,
            cycles_per_bit: 4,
            image,
            image_in_verilog: true,
            cpu: CpuConfig::default(),
            ram_kind: RamKind::Inferred,
        }
    }

    /// The RV32I SoC of `docs/soc.md` holding `image` (the core
    /// `Cpu<32>`, the 32-bit unit).
    pub fn rv32(image: Vec<u8>) -> Self {
        Self {
            ptu: PtuConfig {
                xlen: 32,
                ..PtuConfig::default()
            },
            cpu: CpuConfig::rv32(),
            ..Self::new(image)
        }
    }

    /// The unit's configuration as the SoC builds it: [`SocConfig::ptu`]
    /// with the core's width (the unit is as wide as the core: `Ptu<32>`
    /// beside `Cpu<32>`).
    pub fn unit(&self) -> PtuConfig {
        PtuConfig {
            xlen: self.cpu.xlen,
            ..self.ptu
        }
    }

    /// Check the configuration; the error names the field and the fix.
    pub fn validate(&self) -> Result<()> {
        self.cpu.validate()?;
        self.unit().validate()?;
        if self.ptu.reset_rip != map::RAM_BASE {
            bail!(
                "the SoC starts at RAM_BASE {:#x}: build the unit with reset_rip {:#x}, not {:#x}",
                map::RAM_BASE,
                map::RAM_BASE,
                self.ptu.reset_rip
            );
        }
        if !self.ram_words.is_power_of_two() || self.ram_words > 1 << RAM_WORD_BITS {
            bail!(
                "RAM of {} words: use a power of two up to {}",
                self.ram_words,
                1 << RAM_WORD_BITS
            );
        }
        if self.image.len() > self.ram_words * 8 {
            bail!(
                "the program image is {} bytes and the RAM {} bytes: make the program smaller",
                self.image.len(),
                self.ram_words * 8
            );
        }
        if !(2..=1 << crate::uart_tx::DIVISOR_BITS).contains(&self.cycles_per_bit) {
            bail!(
                "UART: {} cycles per bit is out of range 2..={}",
                self.cycles_per_bit,
                1 << crate::uart_tx::DIVISOR_BITS
            );
        }
        Ok(())
    }

    /// The image as little-endian 64-bit words.
    pub fn image_words(&self) -> Vec<u64> {
        self.image
            .chunks(8)
            .map(|c| {
                let mut b = [0u8; 8];
                b[..c.len()].copy_from_slice(c);
                u64::from_le_bytes(b)
            })
            .collect()
    }
}

/// The SoC (see the module documentation): `Soc` is the RV64I one,
/// `Soc<32>` the RV32I one.
#[derive(LogicBlock)]
pub struct Soc<const XLEN: usize = 64> {
    /// Clock of everything.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset, active high: the unit, the core, the devices.
    pub reset: Signal<In, Bit>,
    /// Non-maskable interrupt request (a rising edge).
    pub nmi: Signal<In, Bit>,
    /// The UART's serial line (high when idle).
    pub tx: Signal<Out, Bit>,
    /// A store to `tohost` happened since reset.
    pub tohost_valid: Signal<Out, Bit>,
    /// The value of the store to `tohost`.
    pub tohost: Signal<Out, Bits<64>>,
    pub(crate) cpu: Cpu<XLEN>,
    pub(crate) ptu: Ptu<XLEN>,
    pub(crate) ram: SocRam<RAM_WORD_BITS>,
    pub(crate) uart: UartTx,
    /// Cycles since reset.
    mtime: DFF<Bits<XLEN>>,
    mtimecmp: DFF<Bits<XLEN>>,
    tohost_q: DFF<Bits<XLEN>>,
    tohost_valid_q: DFF<Bit>,
    /// The device register read in the previous cycle, and whether the
    /// core's read was a device's.
    dev_rdata: DFF<Bits<XLEN>>,
    dev_sel: DFF<Bit>,
    /// A frame read (and a 32-bit unit's frame write) waits one cycle for
    /// the RAM.
    frame_read_wait: DFF<Bit>,
    /// The unit's words are half a RAM word (the 32-bit unit).
    narrow_unit: Constant<Bit>,
    /// The low address bits a frame word must have clear: 7, or 3 for the
    /// 32-bit unit.
    frame_align: Constant<Bits<64>>,
    low_half: Constant<Bits<64>>,
    high_half: Constant<Bits<64>>,
    ram_end: Constant<Bits<64>>,
    dev_base: Constant<Bits<64>>,
    dev_end: Constant<Bits<64>>,
    timer_vector: Constant<Bits<8>>,
    frame_bad: Signal<Local, Bit>,
    core_ram: Signal<Local, Bit>,
    core_dev: Signal<Local, Bit>,
    core_reg: Signal<Local, Bits<2>>,
    uart_store: Signal<Local, Bit>,
    /// The core's bus address, zero-extended.
    core_addr: Signal<Local, Bits<64>>,
    /// The unit's frame address and write data, zero-extended; its word
    /// is the RAM word's upper half; the RAM word for a frame read.
    frame_addr: Signal<Local, Bits<64>>,
    frame_wdata: Signal<Local, Bits<64>>,
    frame_high: Signal<Local, Bit>,
    frame_rdata: Signal<Local, Bits<64>>,
    /// A frame write's RAM word, its half merged in (the 32-bit unit).
    frame_merged: Signal<Local, Bits<64>>,
}

impl Soc {
    /// The RV64I SoC for `cfg`; fails if the configuration is invalid or
    /// not RV64I.
    pub fn new(cfg: &SocConfig) -> Result<Self> {
        Self::with_xlen(cfg)
    }
}

impl<const XLEN: usize> Soc<XLEN> {
    /// The SoC for `cfg`, whose core is `XLEN` bits wide; fails if the
    /// configuration is invalid or its `cpu.xlen` is not `XLEN`.
    pub fn with_xlen(cfg: &SocConfig) -> Result<Self> {
        cfg.validate()?;
        if cfg.cpu.xlen != XLEN {
            bail!(
                "the SoC is built for a {XLEN}-bit core and the configuration asks for xlen {}: build Soc<{}>",
                cfg.cpu.xlen,
                cfg.cpu.xlen
            );
        }
        Ok(Self {
            clock: Default::default(),
            reset: Default::default(),
            nmi: Default::default(),
            tx: Default::default(),
            tohost_valid: Default::default(),
            tohost: Default::default(),
            cpu: Cpu::with_config(&cfg.cpu),
            ptu: Ptu::for_config(&cfg.unit())?,
            ram: SocRam::new(
                cfg.ram_kind,
                cfg.ram_words,
                &cfg.image_words(),
                cfg.image_in_verilog,
            ),
            uart: UartTx::new(cfg.cycles_per_bit),
            mtime: Default::default(),
            mtimecmp: Default::default(),
            tohost_q: Default::default(),
            tohost_valid_q: Default::default(),
            dev_rdata: Default::default(),
            dev_sel: Default::default(),
            frame_read_wait: Default::default(),
            narrow_unit: Constant::new(XLEN == 32),
            frame_align: Constant::new((XLEN as u64 / 8 - 1).into()),
            low_half: Constant::new(0xffff_ffffu64.into()),
            high_half: Constant::new(0xffff_ffff_0000_0000u64.into()),
            ram_end: Constant::new((map::RAM_BASE + cfg.ram_words as u64 * 8).into()),
            dev_base: Constant::new(map::DEVICES_BASE.into()),
            dev_end: Constant::new(map::DEVICES_END.into()),
            timer_vector: Constant::new((map::TIMER_VECTOR as u64).into()),
            frame_bad: Default::default(),
            core_ram: Default::default(),
            core_dev: Default::default(),
            core_reg: Default::default(),
            uart_store: Default::default(),
            core_addr: Default::default(),
            frame_addr: Default::default(),
            frame_wdata: Default::default(),
            frame_high: Default::default(),
            frame_rdata: Default::default(),
            frame_merged: Default::default(),
        })
    }

    /// The word of RAM at byte address `addr` (for tests and traces).
    pub fn ram_word(&self, addr: u64) -> u64 {
        self.ram.word((addr / 8) as usize)
    }
}

impl<const XLEN: usize> Logic for Soc<XLEN> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            mtime,
            mtimecmp,
            tohost_q,
            tohost_valid_q,
            dev_rdata,
            dev_sel,
            frame_read_wait
        );
        self.cpu.clock.next = self.clock.val();
        self.ptu.clock.next = self.clock.val();
        self.ram.clock.next = self.clock.val();
        self.uart.clock.next = self.clock.val();
        self.cpu.reset.next = self.reset.val() | self.ram.booting.val();
        self.ptu.reset.next = self.reset.val() | self.ram.booting.val();
        self.uart.reset.next = self.reset.val() | self.ram.booting.val();

        // ---- The core and the unit.
        self.cpu.cpl.next = self.ptu.cpl.val();
        // The core and the unit are both XLEN bits wide.
        self.cpu.rip.next = self.ptu.rip.val();
        self.cpu.rsp.next = self.ptu.rsp.val();
        self.cpu.gs_base.next = self.ptu.gs_base.val();
        self.cpu.csr_rdata.next = self.ptu.csr_rdata.val();
        self.cpu.redirect.next = self.ptu.redirect.val();
        self.cpu.busy.next = self.ptu.busy.val();
        self.cpu.shutdown.next = self.ptu.shutdown.val();
        self.cpu.mtime.next = self.mtime.q.val();
        self.ptu.retire.next = self.cpu.retire.val();
        self.ptu.next_rip.next = self.cpu.next_rip.val();
        self.ptu.rsp_we.next = self.cpu.rsp_we.val();
        self.ptu.rsp_wdata.next = self.cpu.rsp_wdata.val();
        self.ptu.gs_we.next = self.cpu.gs_we.val();
        self.ptu.gs_wdata.next = self.cpu.gs_wdata.val();
        self.ptu.op_syscall.next = self.cpu.op_syscall.val();
        self.ptu.op_eret.next = self.cpu.op_eret.val();
        self.ptu.csr_re.next = self.cpu.csr_re.val();
        self.ptu.csr_we.next = self.cpu.csr_we.val();
        self.ptu.csr_addr.next = self.cpu.csr_addr.val();
        self.ptu.csr_wdata.next = self.cpu.csr_wdata.val();
        self.ptu.exc_valid.next = self.cpu.exc_valid.val();
        self.ptu.exc_vector.next = self.cpu.exc_vector.val();
        self.ptu.exc_error.next = self.cpu.exc_error.val();
        self.ptu.exc_error_valid.next = self.cpu.exc_error_valid.val();
        self.ptu.exc_data.next = self.cpu.exc_data.val();
        self.ptu.irq.next =
            self.mtimecmp.q.val().any() & (self.mtime.q.val() >= self.mtimecmp.q.val());
        self.ptu.irq_vector.next = self.timer_vector.val();
        self.ptu.nmi.next = self.nmi.val();
        self.ptu.mce.next = false;

        // ---- Who the core's address is.
        self.core_addr.next = bit_cast::<64, XLEN>(self.cpu.bus_addr.val());
        self.core_ram.next = self.core_addr.val() < self.ram_end.val();
        self.core_dev.next = (self.core_addr.val() >= self.dev_base.val())
            & (self.core_addr.val() < self.dev_end.val());
        self.core_reg.next = self.cpu.bus_addr.val().get_bits::<2>(3);

        // ---- RAM: the frame bus while the unit uses it, else the core.
        self.frame_addr.next = bit_cast::<64, XLEN>(self.ptu.mem_addr.val());
        self.frame_wdata.next = bit_cast::<64, XLEN>(self.ptu.mem_wdata.val());
        self.frame_high.next = self.narrow_unit.val() & self.frame_addr.val().get_bit(2);
        self.frame_bad.next = (self.frame_addr.val() >= self.ram_end.val())
            | (self.frame_addr.val() & self.frame_align.val()).any();
        self.frame_rdata.next = self.ram.read_data.val();
        self.frame_merged.next =
            (self.ram.read_data.val() & self.high_half.val()) | self.frame_wdata.val();
        if self.frame_high.val() {
            self.frame_rdata.next = self.ram.read_data.val() >> 32;
            self.frame_merged.next =
                (self.frame_wdata.val() << 32) | (self.ram.read_data.val() & self.low_half.val());
        }
        self.ram.read_address.next = self.cpu.bus_addr.val().get_bits::<13>(3);
        self.ram.write_address.next = self.cpu.bus_addr.val().get_bits::<13>(3);
        self.ram.write_data.next = self.cpu.bus_wdata.val();
        self.ram.write_enable.next = self.cpu.bus_we.val() & self.core_ram.val();
        self.ptu.mem_ready.next = false;
        self.ptu.mem_err.next = false;
        self.ptu.mem_rdata.next = self.frame_rdata.val().get_bits::<XLEN>(0);
        self.frame_read_wait.d.next = false;
        if self.ptu.mem_valid.val() {
            self.ram.read_address.next = self.frame_addr.val().get_bits::<13>(3);
            self.ram.write_address.next = self.frame_addr.val().get_bits::<13>(3);
            self.ram.write_data.next = self.frame_wdata.val();
            // A whole-word write answers in its cycle; a half-word one
            // (the 32-bit unit) reads the word first and writes it merged
            // in the next, like a read.
            self.ram.write_enable.next = self.ptu.mem_we.val() & !self.frame_bad.val();
            self.ptu.mem_ready.next =
                self.ptu.mem_we.val() | self.frame_bad.val() | self.frame_read_wait.q.val();
            self.frame_read_wait.d.next =
                !self.ptu.mem_we.val() & !self.frame_bad.val() & !self.frame_read_wait.q.val();
            if self.narrow_unit.val() {
                self.ram.write_data.next = self.frame_merged.val();
                self.ram.write_enable.next =
                    self.ptu.mem_we.val() & !self.frame_bad.val() & self.frame_read_wait.q.val();
                self.ptu.mem_ready.next = self.frame_bad.val() | self.frame_read_wait.q.val();
                self.frame_read_wait.d.next = !self.frame_bad.val() & !self.frame_read_wait.q.val();
            }
            self.ptu.mem_err.next = self.frame_bad.val();
        }

        // ---- Device reads: the register, one cycle later like RAM.
        self.dev_sel.d.next = self.core_dev.val();
        self.dev_rdata.d.next = bit_cast::<XLEN, 1>(self.uart.busy.val().into());
        if self.core_reg.val() == 1 {
            self.dev_rdata.d.next = self.mtime.q.val();
        } else if self.core_reg.val() == 2 {
            self.dev_rdata.d.next = self.mtimecmp.q.val();
        } else if self.core_reg.val() == 3 {
            self.dev_rdata.d.next = self.tohost_q.q.val();
        }
        self.cpu.bus_rdata.next = self.ram.read_data.val();
        if self.dev_sel.q.val() {
            self.cpu.bus_rdata.next = bit_cast::<64, XLEN>(self.dev_rdata.q.val());
        }

        // ---- Device writes.
        self.mtime.d.next = self.mtime.q.val() + 1;
        self.uart_store.next =
            self.cpu.bus_we.val() & self.core_dev.val() & (self.core_reg.val() == 0);
        self.uart.send.next = self.uart_store.val();
        self.uart.data.next = self.cpu.bus_wdata.val().get_bits::<8>(0);
        if self.cpu.bus_we.val() & self.core_dev.val() {
            if self.core_reg.val() == 2 {
                self.mtimecmp.d.next = self.cpu.bus_wdata.val().get_bits::<XLEN>(0);
            } else if self.core_reg.val() == 3 {
                self.tohost_q.d.next = self.cpu.bus_wdata.val().get_bits::<XLEN>(0);
                self.tohost_valid_q.d.next = true;
            }
        }
        if self.reset.val() | self.ram.booting.val() {
            self.mtime.d.next = 0.into();
            self.mtimecmp.d.next = 0.into();
            self.tohost_q.d.next = 0.into();
            self.tohost_valid_q.d.next = false;
            self.frame_read_wait.d.next = false;
        }

        // ---- Outputs.
        self.tx.next = self.uart.tx.val();
        self.tohost.next = bit_cast::<64, XLEN>(self.tohost_q.q.val());
        self.tohost_valid.next = self.tohost_valid_q.q.val();
    }
}

/// rust-hdl's own Verilog of the SoC (top module `top`), with the core
/// `cfg.cpu.xlen` says.
pub fn raw(cfg: &SocConfig) -> Result<String> {
    cfg.validate()?;
    match cfg.cpu.xlen {
        32 => raw_for::<32>(cfg),
        _ => raw_for::<64>(cfg),
    }
}

fn raw_for<const XLEN: usize>(cfg: &SocConfig) -> Result<String> {
    let mut soc = Soc::<XLEN>::with_xlen(cfg)?;
    soc.connect_all();
    check_all(&soc).map_err(|e| anyhow!("rust-hdl design check of the SoC failed: {e:?}"))?;
    Ok(generate_verilog(&soc))
}

/// The Verilog of the SoC, module [`TOP`], through the project's emitter.
pub fn emit(cfg: &SocConfig) -> Result<String> {
    let header = format!(
        "// {TOP}.v: the ptu SoC (soc/src/soc.rs): an {} core whose pc, sp and tp are the unit's.\n\
         // Generated by ptu {} (rust-hdl 0.46.0); do not edit.\n\
         // Unit configuration: {}; RAM {} bytes ({} bytes of program image{}); UART {} cycles per bit.\n{}{}",
        if cfg.cpu.xlen == 32 { "RV32I" } else { "RV64I" },
        env!("CARGO_PKG_VERSION"),
        cfg.unit().describe(),
        cfg.ram_words * 8,
        cfg.image.len(),
        if cfg.image_in_verilog { "" } else { ", not in this file" },
        cfg.cycles_per_bit,
        match cfg.cpu.mutant {
            Some(m) => format!("// A BROKEN core for tests: mutant {m:?}.\n"),
            None => String::new(),
        },
        if cfg.cpu.xlen == 32 {
            "// The 32-bit unit's frame words are halves of the 64-bit RAM words: a frame write reads the word and writes it merged.\n"
        } else {
            ""
        },
    );
    ptu_emit::tidy(&raw(cfg)?, TOP, &header)
}
