//! `Cpu`: an RV64I + Zicsr core (or RV32I + Zicsr: `Cpu<32>`), in order
//! and multi-cycle, whose pc, sp and tp are the unit's `rip`, `rsp` and
//! `gs_base` (`docs/soc.md`).
//!
//! **Width.** The datapath is `XLEN` bits wide (registers, pc, addresses,
//! the unit's ports); the bus keeps 64-bit words (the SoC's RAM) and
//! `mtime` 64 bits. `Cpu` is `Cpu<64>`. With `XLEN` 32 the RV64-only
//! encodings (`ld`, `sd`, `lwu`, the `*W` instructions, immediate shifts
//! with shamt bit 5 set) are #UD and register shifts use 5 bits of `rs2`;
//! the choice is the constant `rv64` set while elaborating.
//!
//! One state machine (PicoRV32's shape), one instruction at a time:
//!
//! | state | what happens |
//! |---|---|
//! | `Fetch` | wait while the unit is `busy` or shut down; check `rip` (alignment, the user window); read the word at `rip` |
//! | `Decode` | latch the instruction; read `rs1` and `rs2` from the register file |
//! | `Execute` | decode to one-hot flags; ALU, branch, address; every fault; a load or store reads its word |
//! | `Memory` | loads: extract and extend; stores: merge the bytes into the word read |
//! | `Retire` | present the instruction to the unit: `retire` (with `rsp_we`/`gs_we`/a CSR access), `op_syscall` or `op_eret` |
//! | `Trap` | present the fault: `exc_valid` and its vector, error code and data |
//! | `Commit` | if the unit accepted the instruction: write `rd`, write the store's word |
//!
//! **Commit after acceptance.** An asynchronous event (interrupt, NMI)
//! that the unit takes at the edge where the core presents an instruction
//! wins (SPEC.md): the instruction has no effect and runs again after
//! the handler. The core cannot see the unit's decision before that edge
//! (the pending NMI and STATUS.if are inside the unit), but it sees it
//! after: every event the unit takes shows in the next cycle as `redirect`
//! (an entry or ERET that completes at that edge) or `busy` (a frame push
//! or pop that starts at it), and an accepted `retire` shows neither. So
//! the core's own side effects (the register file and stores to RAM and
//! devices) wait for the `Commit` cycle after `Retire` and happen only if
//! neither is high; everything the unit owns (`rip`, `rsp`, `gs_base`, its
//! CSRs) it commits itself at the `Retire` edge. Loads have no side
//! effects (the devices' reads do not change them), so they run before.
//!
//! In every state, `redirect` or `busy` (or `shutdown`) abandons the
//! instruction in flight and goes back to `Fetch`, which fetches from the
//! new `rip` once the unit is idle.

use crate::map;
use rust_hdl::prelude::*;

/// A deliberately broken instruction, for tests that must catch it
/// (`soc/tests/core_mutant.rs`). Chosen while elaborating: the hardware
/// has no run-time switch, only the constant the choice sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mutant {
    /// `sra`, `srai`, `sraw` and `sraiw` shift in zeros, like `srl`.
    SraAsSrl,
}

/// How the core is built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CpuConfig {
    /// A broken instruction (tests only; `None` is the real core).
    pub mutant: Option<Mutant>,
    /// The core's width: 64 (RV64I, `Cpu<64>`) or 32 (RV32I, `Cpu<32>`).
    pub xlen: usize,
}

impl Default for CpuConfig {
    fn default() -> Self {
        Self {
            mutant: None,
            xlen: 64,
        }
    }
}

impl CpuConfig {
    /// The RV32I core.
    pub fn rv32() -> Self {
        Self {
            xlen: 32,
            ..Self::default()
        }
    }

    /// Check the configuration; the error names the field and the fix.
    pub fn validate(&self) -> anyhow::Result<()> {
        if self.xlen != 32 && self.xlen != 64 {
            anyhow::bail!(
                "the core's xlen {} is not a width: use 32 (RV32I) or 64 (RV64I)",
                self.xlen
            );
        }
        Ok(())
    }
}

/// `v` cut to `N` bits, as a constant of that width.
fn bits<const N: usize>(v: u64) -> Bits<N> {
    if N >= 64 {
        v.into()
    } else {
        (v & ((1u64 << N) - 1)).into()
    }
}

/// The core's states (see the module documentation).
#[derive(Copy, Clone, Debug, PartialEq, Eq, LogicState)]
pub enum CpuState {
    Fetch,
    Decode,
    Execute,
    Memory,
    Retire,
    Trap,
    Commit,
}

/// The RV64I + Zicsr core (`XLEN` 64) or the RV32I + Zicsr core (32).
#[derive(LogicBlock)]
pub struct Cpu<const XLEN: usize = 64> {
    /// Clock of every register.
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: back to `Fetch`, `instret` 0.
    pub reset: Signal<In, Bit>,
    // ---- From the unit.
    /// The unit's current privilege level (3: user).
    pub cpl: Signal<In, Bits<2>>,
    /// pc: the unit's RIP of the current level.
    pub rip: Signal<In, Bits<XLEN>>,
    /// x2: the unit's RSP of the current level.
    pub rsp: Signal<In, Bits<XLEN>>,
    /// x4: the unit's GS base of the current level.
    pub gs_base: Signal<In, Bits<XLEN>>,
    /// The unit's CSR read data (combinational, with `csr_re`).
    pub csr_rdata: Signal<In, Bits<XLEN>>,
    /// The unit completed an entry or ERET: fetch from `rip`.
    pub redirect: Signal<In, Bit>,
    /// The unit pushes or pops a frame: stall.
    pub busy: Signal<In, Bit>,
    /// The unit is shut down: stall.
    pub shutdown: Signal<In, Bit>,
    // ---- To the unit.
    /// The instruction completes: RIP becomes `next_rip`.
    pub retire: Signal<Out, Bit>,
    /// The next pc.
    pub next_rip: Signal<Out, Bits<XLEN>>,
    /// The instruction writes x2.
    pub rsp_we: Signal<Out, Bit>,
    /// The value written to x2.
    pub rsp_wdata: Signal<Out, Bits<XLEN>>,
    /// The instruction writes x4.
    pub gs_we: Signal<Out, Bit>,
    /// The value written to x4.
    pub gs_wdata: Signal<Out, Bits<XLEN>>,
    /// The instruction is `ecall`.
    pub op_syscall: Signal<Out, Bit>,
    /// The instruction is `sret`.
    pub op_eret: Signal<Out, Bit>,
    /// The instruction reads a unit CSR.
    pub csr_re: Signal<Out, Bit>,
    /// The instruction writes a unit CSR.
    pub csr_we: Signal<Out, Bit>,
    /// The unit CSR: the RISC-V CSR number minus 0x5C0.
    pub csr_addr: Signal<Out, Bits<8>>,
    /// The value written to the unit CSR.
    pub csr_wdata: Signal<Out, Bits<XLEN>>,
    /// The instruction faults.
    pub exc_valid: Signal<Out, Bit>,
    /// The fault's vector.
    pub exc_vector: Signal<Out, Bits<8>>,
    /// The fault's error code.
    pub exc_error: Signal<Out, Bits<32>>,
    /// The fault has an error code.
    pub exc_error_valid: Signal<Out, Bit>,
    /// The fault's EVENT_DATA (an address).
    pub exc_data: Signal<Out, Bits<XLEN>>,
    // ---- The SoC's bus.
    /// Byte address of this cycle's read (its word is on `bus_rdata` in
    /// the next cycle) or, with `bus_we`, write.
    pub bus_addr: Signal<Out, Bits<XLEN>>,
    /// Write `bus_wdata` to the word at `bus_addr`.
    pub bus_we: Signal<Out, Bit>,
    /// The whole 64-bit word to write (a store's bytes merged in).
    pub bus_wdata: Signal<Out, Bits<64>>,
    /// The word at the address of the previous cycle's `bus_addr`.
    pub bus_rdata: Signal<In, Bits<64>>,
    /// The cycle counter's low XLEN bits (`rdcycle`, `rdtime`).
    pub mtime: Signal<In, Bits<XLEN>>,
    // ---- State.
    state: DFF<CpuState>,
    /// The instruction's pc.
    pc: DFF<Bits<XLEN>>,
    /// The instruction.
    ir: DFF<Bits<32>>,
    /// The value for `rd` (or, for a CSR access, the CSR's source operand).
    res: DFF<Bits<XLEN>>,
    /// The instruction writes `rd`.
    rd_we: DFF<Bit>,
    /// `next_rip`.
    npc: DFF<Bits<XLEN>>,
    /// The load or store's byte address.
    addr: DFF<Bits<XLEN>>,
    /// The store's data (rs2), then the merged word.
    st_data: DFF<Bits<64>>,
    is_load: DFF<Bit>,
    is_store: DFF<Bit>,
    is_syscall: DFF<Bit>,
    is_eret: DFF<Bit>,
    /// A unit CSR access, with its read and write flags.
    is_csr: DFF<Bit>,
    csr_rd: DFF<Bit>,
    csr_wr: DFF<Bit>,
    /// The fault presented in `Trap`.
    x_vector: DFF<Bits<8>>,
    x_error: DFF<Bits<32>>,
    x_error_valid: DFF<Bit>,
    x_data: DFF<Bits<XLEN>>,
    /// Instructions retired (`rdinstret`).
    instret: DFF<Bits<XLEN>>,
    /// Register file: two copies (one per read port), x1..x31 (x0, x2
    /// and x4 are never written).
    rf_a: crate::sync_ram::SyncRam<5, XLEN>,
    rf_b: crate::sync_ram::SyncRam<5, XLEN>,
    /// The sign bit of a register.
    sign: Constant<Bits<XLEN>>,
    not_one: Constant<Bits<XLEN>>,
    /// Bits 63:32 of a register (none with XLEN 32).
    high32: Constant<Bits<XLEN>>,
    high16: Constant<Bits<XLEN>>,
    high8: Constant<Bits<XLEN>>,
    high12: Constant<Bits<XLEN>>,
    high20: Constant<Bits<XLEN>>,
    /// Bits 31:0 of a bus word.
    low32: Constant<Bits<64>>,
    /// The regions of the memory map, each a power-of-two size at an
    /// aligned base (`map.rs` checks it): an address is in a region when
    /// its bits above the size equal the base's (`addr & mask == base`),
    /// an equality instead of two magnitude comparisons.
    ram_base: Constant<Bits<XLEN>>,
    ram_mask: Constant<Bits<XLEN>>,
    user_base: Constant<Bits<XLEN>>,
    user_mask: Constant<Bits<XLEN>>,
    dev_base: Constant<Bits<XLEN>>,
    dev_mask: Constant<Bits<XLEN>>,
    /// The RV64I instructions exist (XLEN 64).
    rv64: Constant<Bit>,
    /// The bits of a shift amount: 0x3F (RV64I) or 0x1F (RV32I).
    shamt_mask: Constant<Bits<6>>,
    /// Arithmetic right shifts fill with the sign bit (1; 0 only in the
    /// `Mutant::SraAsSrl` core).
    sra_sign_fill: Constant<Bit>,
    // ---- Combinational temporaries.
    /// The unit is busy, shut down or redirecting: drop the instruction.
    pub(crate) abort: Signal<Local, Bit>,
    /// This cycle commits an accepted instruction (at its end).
    pub(crate) commit: Signal<Local, Bit>,
    user: Signal<Local, Bit>,
    in_fetch: Signal<Local, Bit>,
    in_decode: Signal<Local, Bit>,
    in_execute: Signal<Local, Bit>,
    in_memory: Signal<Local, Bit>,
    in_retire: Signal<Local, Bit>,
    in_trap: Signal<Local, Bit>,
    in_commit: Signal<Local, Bit>,
    fetch_word: Signal<Local, Bits<32>>,
    f_in_ram: Signal<Local, Bit>,
    f_in_user: Signal<Local, Bit>,
    f_in_dev: Signal<Local, Bit>,
    opcode: Signal<Local, Bits<7>>,
    funct3: Signal<Local, Bits<3>>,
    funct7: Signal<Local, Bits<7>>,
    rd: Signal<Local, Bits<5>>,
    rs1: Signal<Local, Bits<5>>,
    rs2: Signal<Local, Bits<5>>,
    csr: Signal<Local, Bits<12>>,
    rs1_val: Signal<Local, Bits<XLEN>>,
    rs2_val: Signal<Local, Bits<XLEN>>,
    imm_i: Signal<Local, Bits<XLEN>>,
    imm_s: Signal<Local, Bits<XLEN>>,
    imm_b: Signal<Local, Bits<XLEN>>,
    imm_u: Signal<Local, Bits<XLEN>>,
    imm_j: Signal<Local, Bits<XLEN>>,
    op_lui: Signal<Local, Bit>,
    op_auipc: Signal<Local, Bit>,
    op_jal: Signal<Local, Bit>,
    op_jalr: Signal<Local, Bit>,
    op_branch: Signal<Local, Bit>,
    op_load: Signal<Local, Bit>,
    op_store: Signal<Local, Bit>,
    op_imm: Signal<Local, Bit>,
    op_imm32: Signal<Local, Bit>,
    op_reg: Signal<Local, Bit>,
    op_reg32: Signal<Local, Bit>,
    op_fence: Signal<Local, Bit>,
    op_system: Signal<Local, Bit>,
    op_ecall: Signal<Local, Bit>,
    op_ebreak: Signal<Local, Bit>,
    op_sret: Signal<Local, Bit>,
    op_wfi: Signal<Local, Bit>,
    op_csr: Signal<Local, Bit>,
    legal: Signal<Local, Bit>,
    alu_b: Signal<Local, Bits<XLEN>>,
    alu_word: Signal<Local, Bit>,
    alu_alt: Signal<Local, Bit>,
    alu_a_shift: Signal<Local, Bits<XLEN>>,
    alu_shamt: Signal<Local, Bits<6>>,
    alu_sra: Signal<Local, Bits<XLEN>>,
    alu_out: Signal<Local, Bits<XLEN>>,
    alu_res: Signal<Local, Bits<XLEN>>,
    lt_signed: Signal<Local, Bit>,
    lt_unsigned: Signal<Local, Bit>,
    br_taken: Signal<Local, Bit>,
    jumps: Signal<Local, Bit>,
    target: Signal<Local, Bits<XLEN>>,
    pc_plus4: Signal<Local, Bits<XLEN>>,
    agen: Signal<Local, Bits<XLEN>>,
    a_misaligned: Signal<Local, Bit>,
    a_in_ram: Signal<Local, Bit>,
    a_in_user: Signal<Local, Bit>,
    a_in_dev: Signal<Local, Bit>,
    a_allowed: Signal<Local, Bit>,
    csr_unit: Signal<Local, Bit>,
    csr_counter: Signal<Local, Bit>,
    csr_writes: Signal<Local, Bit>,
    csr_reads: Signal<Local, Bit>,
    csr_src: Signal<Local, Bits<XLEN>>,
    shift: Signal<Local, Bits<6>>,
    size_mask: Signal<Local, Bits<64>>,
    lane_mask: Signal<Local, Bits<64>>,
    loaded: Signal<Local, Bits<64>>,
    load_val: Signal<Local, Bits<XLEN>>,
    wb_val: Signal<Local, Bits<XLEN>>,
    present: Signal<Local, Bit>,
}

impl Default for Cpu {
    fn default() -> Self {
        Self::new()
    }
}

impl Cpu {
    /// The RV64I core (the memory map is `crate::map`).
    pub fn new() -> Self {
        Self::with_config(&CpuConfig::default())
    }
}

impl<const XLEN: usize> Cpu<XLEN> {
    /// The core as `cfg` says (a mutant, for tests). `cfg.xlen` must be
    /// `XLEN` (`SocConfig::validate` says so for user input).
    pub fn with_config(cfg: &CpuConfig) -> Self {
        assert!(
            cfg.xlen == XLEN && (XLEN == 32 || XLEN == 64),
            "Cpu<{XLEN}> built from a configuration with xlen {}",
            cfg.xlen
        );
        Self {
            clock: Default::default(),
            reset: Default::default(),
            cpl: Default::default(),
            rip: Default::default(),
            rsp: Default::default(),
            gs_base: Default::default(),
            csr_rdata: Default::default(),
            redirect: Default::default(),
            busy: Default::default(),
            shutdown: Default::default(),
            retire: Default::default(),
            next_rip: Default::default(),
            rsp_we: Default::default(),
            rsp_wdata: Default::default(),
            gs_we: Default::default(),
            gs_wdata: Default::default(),
            op_syscall: Default::default(),
            op_eret: Default::default(),
            csr_re: Default::default(),
            csr_we: Default::default(),
            csr_addr: Default::default(),
            csr_wdata: Default::default(),
            exc_valid: Default::default(),
            exc_vector: Default::default(),
            exc_error: Default::default(),
            exc_error_valid: Default::default(),
            exc_data: Default::default(),
            bus_addr: Default::default(),
            bus_we: Default::default(),
            bus_wdata: Default::default(),
            bus_rdata: Default::default(),
            mtime: Default::default(),
            state: Default::default(),
            pc: Default::default(),
            ir: Default::default(),
            res: Default::default(),
            rd_we: Default::default(),
            npc: Default::default(),
            addr: Default::default(),
            st_data: Default::default(),
            is_load: Default::default(),
            is_store: Default::default(),
            is_syscall: Default::default(),
            is_eret: Default::default(),
            is_csr: Default::default(),
            csr_rd: Default::default(),
            csr_wr: Default::default(),
            x_vector: Default::default(),
            x_error: Default::default(),
            x_error_valid: Default::default(),
            x_data: Default::default(),
            instret: Default::default(),
            rf_a: crate::sync_ram::SyncRam::new(32, &[], false),
            rf_b: crate::sync_ram::SyncRam::new(32, &[], false),
            sign: Constant::new(bits(1u64 << (XLEN - 1))),
            not_one: Constant::new(bits(!1u64)),
            high32: Constant::new(bits(0xFFFF_FFFF_0000_0000u64)),
            high16: Constant::new(bits(0xFFFF_FFFF_FFFF_0000u64)),
            high8: Constant::new(bits(0xFFFF_FFFF_FFFF_FF00u64)),
            high12: Constant::new(bits(!0u64 << 12)),
            high20: Constant::new(bits(!0u64 << 20)),
            low32: Constant::new(0xFFFF_FFFFu64.into()),
            ram_base: Constant::new(bits(map::RAM_BASE)),
            ram_mask: Constant::new(bits(!(map::RAM_BYTES - 1))),
            user_base: Constant::new(bits(map::USER_BASE)),
            user_mask: Constant::new(bits(!(map::USER_END - map::USER_BASE - 1))),
            dev_base: Constant::new(bits(map::DEVICES_BASE)),
            dev_mask: Constant::new(bits(!(map::DEVICES_END - map::DEVICES_BASE - 1))),
            rv64: Constant::new(XLEN == 64),
            shamt_mask: Constant::new(if XLEN == 64 { 0x3Fu64 } else { 0x1F }.into()),
            sra_sign_fill: Constant::new(cfg.mutant != Some(Mutant::SraAsSrl)),
            abort: Default::default(),
            commit: Default::default(),
            user: Default::default(),
            in_fetch: Default::default(),
            in_decode: Default::default(),
            in_execute: Default::default(),
            in_memory: Default::default(),
            in_retire: Default::default(),
            in_trap: Default::default(),
            in_commit: Default::default(),
            fetch_word: Default::default(),
            f_in_ram: Default::default(),
            f_in_user: Default::default(),
            f_in_dev: Default::default(),
            opcode: Default::default(),
            funct3: Default::default(),
            funct7: Default::default(),
            rd: Default::default(),
            rs1: Default::default(),
            rs2: Default::default(),
            csr: Default::default(),
            rs1_val: Default::default(),
            rs2_val: Default::default(),
            imm_i: Default::default(),
            imm_s: Default::default(),
            imm_b: Default::default(),
            imm_u: Default::default(),
            imm_j: Default::default(),
            op_lui: Default::default(),
            op_auipc: Default::default(),
            op_jal: Default::default(),
            op_jalr: Default::default(),
            op_branch: Default::default(),
            op_load: Default::default(),
            op_store: Default::default(),
            op_imm: Default::default(),
            op_imm32: Default::default(),
            op_reg: Default::default(),
            op_reg32: Default::default(),
            op_fence: Default::default(),
            op_system: Default::default(),
            op_ecall: Default::default(),
            op_ebreak: Default::default(),
            op_sret: Default::default(),
            op_wfi: Default::default(),
            op_csr: Default::default(),
            legal: Default::default(),
            alu_b: Default::default(),
            alu_word: Default::default(),
            alu_alt: Default::default(),
            alu_a_shift: Default::default(),
            alu_shamt: Default::default(),
            alu_sra: Default::default(),
            alu_out: Default::default(),
            alu_res: Default::default(),
            lt_signed: Default::default(),
            lt_unsigned: Default::default(),
            br_taken: Default::default(),
            jumps: Default::default(),
            target: Default::default(),
            pc_plus4: Default::default(),
            agen: Default::default(),
            a_misaligned: Default::default(),
            a_in_ram: Default::default(),
            a_in_user: Default::default(),
            a_in_dev: Default::default(),
            a_allowed: Default::default(),
            csr_unit: Default::default(),
            csr_counter: Default::default(),
            csr_writes: Default::default(),
            csr_reads: Default::default(),
            csr_src: Default::default(),
            shift: Default::default(),
            size_mask: Default::default(),
            lane_mask: Default::default(),
            loaded: Default::default(),
            load_val: Default::default(),
            wb_val: Default::default(),
            present: Default::default(),
        }
    }

    /// The pc of the instruction in flight (for traces).
    pub(crate) fn trace_pc(&self) -> u64 {
        self.pc.q.val().to_u64()
    }

    /// `rd` of the instruction in flight and whether it writes it.
    pub(crate) fn trace_rd(&self) -> (u8, bool, u64) {
        (
            self.ir.q.val().get_bits::<5>(7).to_u64() as u8,
            self.rd_we.q.val(),
            self.res.q.val().to_u64(),
        )
    }

    /// The store of the instruction in flight: byte address, width in
    /// bytes, the value stored (rs2, truncated to the width).
    pub(crate) fn trace_store(&self) -> Option<(u64, u8, u64)> {
        if !self.is_store.q.val() {
            return None;
        }
        let addr = self.addr.q.val().to_u64();
        let width = 1u8 << (self.ir.q.val().get_bits::<2>(12).to_u64());
        let word = self.st_data.q.val().to_u64();
        let shifted = word >> ((addr & 7) * 8);
        let value = if width == 8 {
            shifted
        } else {
            shifted & ((1u64 << (8 * width as u32)) - 1)
        };
        Some((addr, width, value))
    }

    /// The instruction in flight is `ecall` or `sret` (completed by the
    /// unit's event, not by `retire`).
    pub(crate) fn op_is_event(&self) -> bool {
        self.is_syscall.q.val() || self.is_eret.q.val()
    }

    /// Instructions retired so far.
    pub fn instret(&self) -> u64 {
        self.instret.q.val().to_u64()
    }
}

impl<const XLEN: usize> Logic for Cpu<XLEN> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            state,
            pc,
            ir,
            res,
            rd_we,
            npc,
            addr,
            st_data,
            is_load,
            is_store,
            is_syscall,
            is_eret,
            is_csr,
            csr_rd,
            csr_wr,
            x_vector,
            x_error,
            x_error_valid,
            x_data,
            instret
        );
        self.rf_a.clock.next = self.clock.val();
        self.rf_b.clock.next = self.clock.val();

        // ---- Where we are.
        self.in_fetch.next = false;
        self.in_decode.next = false;
        self.in_execute.next = false;
        self.in_memory.next = false;
        self.in_retire.next = false;
        self.in_trap.next = false;
        self.in_commit.next = false;
        match self.state.q.val() {
            CpuState::Fetch => {
                self.in_fetch.next = true;
            }
            CpuState::Decode => {
                self.in_decode.next = true;
            }
            CpuState::Execute => {
                self.in_execute.next = true;
            }
            CpuState::Memory => {
                self.in_memory.next = true;
            }
            CpuState::Retire => {
                self.in_retire.next = true;
            }
            CpuState::Trap => {
                self.in_trap.next = true;
            }
            CpuState::Commit => {
                self.in_commit.next = true;
            }
        }
        self.user.next = self.cpl.val() == 3;
        self.abort.next = self.busy.val() | self.shutdown.val() | self.redirect.val();
        self.commit.next = self.in_commit.val() & !self.abort.val();
        self.present.next = !self.abort.val();

        // ---- Fetch: where `rip` points.
        self.f_in_ram.next = (self.rip.val() & self.ram_mask.val()) == self.ram_base.val();
        self.f_in_user.next = (self.rip.val() & self.user_mask.val()) == self.user_base.val();
        self.f_in_dev.next = (self.rip.val() & self.dev_mask.val()) == self.dev_base.val();
        self.fetch_word.next = self.bus_rdata.val().get_bits::<32>(0);
        if self.pc.q.val().get_bit(2) {
            self.fetch_word.next = self.bus_rdata.val().get_bits::<32>(32);
        }

        // ---- The instruction's fields (from the fetched word in Decode).
        self.opcode.next = self.ir.q.val().get_bits::<7>(0);
        self.rd.next = self.ir.q.val().get_bits::<5>(7);
        self.funct3.next = self.ir.q.val().get_bits::<3>(12);
        self.rs1.next = self.ir.q.val().get_bits::<5>(15);
        self.rs2.next = self.ir.q.val().get_bits::<5>(20);
        self.funct7.next = self.ir.q.val().get_bits::<7>(25);
        self.csr.next = self.ir.q.val().get_bits::<12>(20);
        self.rf_a.read_address.next = self.rs1.val();
        self.rf_b.read_address.next = self.rs2.val();
        if self.in_decode.val() {
            self.rf_a.read_address.next = self.fetch_word.val().get_bits::<5>(15);
            self.rf_b.read_address.next = self.fetch_word.val().get_bits::<5>(20);
        }
        self.rs1_val.next = self.rf_a.read_data.val();
        if self.rs1.val() == 0 {
            self.rs1_val.next = 0.into();
        }
        if self.rs1.val() == 2 {
            self.rs1_val.next = self.rsp.val();
        }
        if self.rs1.val() == 4 {
            self.rs1_val.next = self.gs_base.val();
        }
        self.rs2_val.next = self.rf_b.read_data.val();
        if self.rs2.val() == 0 {
            self.rs2_val.next = 0.into();
        }
        if self.rs2.val() == 2 {
            self.rs2_val.next = self.rsp.val();
        }
        if self.rs2.val() == 4 {
            self.rs2_val.next = self.gs_base.val();
        }

        // ---- Immediates, sign-extended from bit 31.
        self.imm_i.next = bit_cast::<XLEN, 12>(self.ir.q.val().get_bits::<12>(20));
        self.imm_s.next = bit_cast::<XLEN, 12>(
            (bit_cast::<12, 7>(self.ir.q.val().get_bits::<7>(25)) << 5)
                | bit_cast::<12, 5>(self.ir.q.val().get_bits::<5>(7)),
        );
        self.imm_b.next = bit_cast::<XLEN, 13>(
            (bit_cast::<13, 1>(self.ir.q.val().get_bits::<1>(7)) << 11)
                | (bit_cast::<13, 6>(self.ir.q.val().get_bits::<6>(25)) << 5)
                | (bit_cast::<13, 4>(self.ir.q.val().get_bits::<4>(8)) << 1),
        );
        self.imm_u.next =
            bit_cast::<XLEN, 32>(bit_cast::<32, 20>(self.ir.q.val().get_bits::<20>(12)) << 12);
        self.imm_j.next = bit_cast::<XLEN, 21>(
            (bit_cast::<21, 8>(self.ir.q.val().get_bits::<8>(12)) << 12)
                | (bit_cast::<21, 1>(self.ir.q.val().get_bits::<1>(20)) << 11)
                | (bit_cast::<21, 10>(self.ir.q.val().get_bits::<10>(21)) << 1),
        );
        if self.ir.q.val().get_bit(31) {
            self.imm_i.next = self.imm_i.val() | self.high12.val();
            self.imm_s.next = self.imm_s.val() | self.high12.val();
            self.imm_b.next = self.imm_b.val() | self.high12.val();
            self.imm_u.next = self.imm_u.val() | self.high32.val();
            self.imm_j.next = self.imm_j.val() | self.high20.val();
        }

        // ---- Decode to one-hot flags.
        self.op_lui.next = self.opcode.val() == 0x37;
        self.op_auipc.next = self.opcode.val() == 0x17;
        self.op_jal.next = self.opcode.val() == 0x6f;
        self.op_jalr.next = (self.opcode.val() == 0x67) & (self.funct3.val() == 0);
        self.op_branch.next =
            (self.opcode.val() == 0x63) & (self.funct3.val() != 2) & (self.funct3.val() != 3);
        // ld and lwu (funct3 3 and 6), sd (3): RV64I only.
        self.op_load.next = (self.opcode.val() == 0x03)
            & (self.funct3.val() != 7)
            & (self.rv64.val() | ((self.funct3.val() != 3) & (self.funct3.val() != 6)));
        self.op_store.next = (self.opcode.val() == 0x23)
            & !self.funct3.val().get_bit(2)
            & (self.rv64.val() | (self.funct3.val() != 3));
        // RV32I: an immediate shift with shamt bit 5 (instruction bit 25)
        // set is reserved.
        self.op_imm.next = (self.opcode.val() == 0x13)
            & ((self.funct3.val() != 1) | (self.ir.q.val().get_bits::<6>(26) == 0))
            & ((self.funct3.val() != 5)
                | (self.ir.q.val().get_bits::<6>(26) == 0)
                | (self.ir.q.val().get_bits::<6>(26) == 0x10))
            & (self.rv64.val()
                | ((self.funct3.val() != 1) & (self.funct3.val() != 5))
                | !self.ir.q.val().get_bit(25));
        self.op_imm32.next = self.rv64.val()
            & (self.opcode.val() == 0x1b)
            & ((self.funct3.val() == 0)
                | ((self.funct3.val() == 1) & (self.funct7.val() == 0))
                | ((self.funct3.val() == 5)
                    & ((self.funct7.val() == 0) | (self.funct7.val() == 0x20))));
        self.op_reg.next = (self.opcode.val() == 0x33)
            & ((self.funct7.val() == 0)
                | ((self.funct7.val() == 0x20)
                    & ((self.funct3.val() == 0) | (self.funct3.val() == 5))));
        self.op_reg32.next = self.rv64.val()
            & (self.opcode.val() == 0x3b)
            & (((self.funct7.val() == 0)
                & ((self.funct3.val() == 0)
                    | (self.funct3.val() == 1)
                    | (self.funct3.val() == 5)))
                | ((self.funct7.val() == 0x20)
                    & ((self.funct3.val() == 0) | (self.funct3.val() == 5))));
        self.op_fence.next =
            (self.opcode.val() == 0x0f) & (self.funct3.val().get_bits::<2>(1) == 0);
        self.op_system.next = self.opcode.val() == 0x73;
        self.op_ecall.next = self.ir.q.val() == 0x0000_0073;
        self.op_ebreak.next = self.ir.q.val() == 0x0010_0073;
        self.op_sret.next = self.ir.q.val() == 0x1020_0073;
        self.op_wfi.next = self.ir.q.val() == 0x1050_0073;
        self.op_csr.next = self.op_system.val() & (self.funct3.val().get_bits::<2>(0) != 0);

        // ---- CSR accesses: the unit's (0x5C0..0x5FF) or a counter.
        self.csr_unit.next = self.csr.val().get_bits::<6>(6) == 0x17;
        self.csr_counter.next =
            (self.csr.val() == 0xC00) | (self.csr.val() == 0xC01) | (self.csr.val() == 0xC02);
        self.csr_writes.next = (self.funct3.val().get_bits::<2>(0) == 1) | (self.rs1.val() != 0);
        self.csr_reads.next = (self.funct3.val().get_bits::<2>(0) != 1) | (self.rd.val() != 0);
        self.csr_src.next = self.rs1_val.val();
        if self.funct3.val().get_bit(2) {
            self.csr_src.next = bit_cast::<XLEN, 5>(self.rs1.val());
        }

        self.legal.next = self.op_lui.val()
            | self.op_auipc.val()
            | self.op_jal.val()
            | self.op_jalr.val()
            | self.op_branch.val()
            | self.op_load.val()
            | self.op_store.val()
            | self.op_imm.val()
            | self.op_imm32.val()
            | self.op_reg.val()
            | self.op_reg32.val()
            | self.op_fence.val()
            | self.op_ecall.val()
            | self.op_ebreak.val()
            | self.op_sret.val()
            | self.op_wfi.val()
            | (self.op_csr.val()
                & (self.csr_unit.val() | (self.csr_counter.val() & !self.csr_writes.val())));

        // ---- ALU.
        self.alu_word.next = self.op_imm32.val() | self.op_reg32.val();
        self.alu_alt.next = (self.op_reg.val() | self.op_reg32.val() | (self.funct3.val() == 5))
            & self.ir.q.val().get_bit(30);
        self.alu_b.next = self.imm_i.val();
        if self.op_reg.val() | self.op_reg32.val() | self.op_branch.val() {
            self.alu_b.next = self.rs2_val.val();
        }
        self.alu_a_shift.next = self.rs1_val.val();
        self.alu_shamt.next = self.alu_b.val().get_bits::<6>(0) & self.shamt_mask.val();
        if self.alu_word.val() {
            self.alu_shamt.next = bit_cast::<6, 5>(self.alu_b.val().get_bits::<5>(0));
            self.alu_a_shift.next = bit_cast::<XLEN, 32>(self.rs1_val.val().get_bits::<32>(0));
            if self.alu_alt.val() & self.rs1_val.val().get_bit(31) {
                self.alu_a_shift.next = self.alu_a_shift.val() | self.high32.val();
            }
        }
        self.alu_sra.next = self.alu_a_shift.val() >> self.alu_shamt.val();
        if (self.alu_a_shift.val() & self.sign.val()).any() & self.sra_sign_fill.val() {
            self.alu_sra.next = !((!self.alu_a_shift.val()) >> self.alu_shamt.val());
        }
        self.lt_signed.next =
            (self.rs1_val.val() ^ self.sign.val()) < (self.alu_b.val() ^ self.sign.val());
        self.lt_unsigned.next = self.rs1_val.val() < self.alu_b.val();
        // One case on funct3 (a parallel multiplexer, not a chain).
        match self.funct3.val().index() {
            0 => {
                self.alu_out.next = self.rs1_val.val() + self.alu_b.val();
                if self.alu_alt.val() {
                    self.alu_out.next = self.rs1_val.val() - self.alu_b.val();
                }
            }
            1 => {
                self.alu_out.next = self.alu_a_shift.val() << self.alu_shamt.val();
            }
            2 => {
                self.alu_out.next = bit_cast::<XLEN, 1>(self.lt_signed.val().into());
            }
            3 => {
                self.alu_out.next = bit_cast::<XLEN, 1>(self.lt_unsigned.val().into());
            }
            4 => {
                self.alu_out.next = self.rs1_val.val() ^ self.alu_b.val();
            }
            5 => {
                self.alu_out.next = self.alu_a_shift.val() >> self.alu_shamt.val();
                if self.alu_alt.val() {
                    self.alu_out.next = self.alu_sra.val();
                }
            }
            6 => {
                self.alu_out.next = self.rs1_val.val() | self.alu_b.val();
            }
            _ => {
                self.alu_out.next = self.rs1_val.val() & self.alu_b.val();
            }
        }
        self.alu_res.next = self.alu_out.val();
        if self.alu_word.val() {
            self.alu_res.next = bit_cast::<XLEN, 32>(self.alu_out.val().get_bits::<32>(0));
            if self.alu_out.val().get_bit(31) {
                self.alu_res.next = self.alu_res.val() | self.high32.val();
            }
        }

        // ---- Branches and jumps.
        self.br_taken.next = false;
        if self.funct3.val() == 0 {
            self.br_taken.next = self.rs1_val.val() == self.rs2_val.val();
        } else if self.funct3.val() == 1 {
            self.br_taken.next = self.rs1_val.val() != self.rs2_val.val();
        } else if self.funct3.val() == 4 {
            self.br_taken.next = self.lt_signed.val();
        } else if self.funct3.val() == 5 {
            self.br_taken.next = !self.lt_signed.val();
        } else if self.funct3.val() == 6 {
            self.br_taken.next = self.lt_unsigned.val();
        } else if self.funct3.val() == 7 {
            self.br_taken.next = !self.lt_unsigned.val();
        }
        self.pc_plus4.next = self.pc.q.val() + 4;
        self.jumps.next =
            self.op_jal.val() | self.op_jalr.val() | (self.op_branch.val() & self.br_taken.val());
        self.target.next = self.pc.q.val() + self.imm_b.val();
        if self.op_jal.val() {
            self.target.next = self.pc.q.val() + self.imm_j.val();
        }
        if self.op_jalr.val() {
            self.target.next = (self.rs1_val.val() + self.imm_i.val()) & self.not_one.val();
        }

        // ---- Loads and stores: address, alignment, who may access it.
        self.agen.next = self.rs1_val.val() + self.imm_i.val();
        if self.op_store.val() {
            self.agen.next = self.rs1_val.val() + self.imm_s.val();
        }
        self.a_misaligned.next = false;
        if self.funct3.val().get_bits::<2>(0) == 1 {
            self.a_misaligned.next = self.agen.val().get_bit(0);
        } else if self.funct3.val().get_bits::<2>(0) == 2 {
            self.a_misaligned.next = self.agen.val().get_bits::<2>(0) != 0;
        } else if self.funct3.val().get_bits::<2>(0) == 3 {
            self.a_misaligned.next = self.agen.val().get_bits::<3>(0) != 0;
        }
        self.a_in_ram.next = (self.agen.val() & self.ram_mask.val()) == self.ram_base.val();
        self.a_in_user.next = (self.agen.val() & self.user_mask.val()) == self.user_base.val();
        self.a_in_dev.next = (self.agen.val() & self.dev_mask.val()) == self.dev_base.val();
        self.a_allowed.next = self.a_in_user.val();
        if !self.user.val() {
            self.a_allowed.next = self.a_in_ram.val() | self.a_in_dev.val();
        }

        // ---- Memory: bytes of the word read.
        self.shift.next = bit_cast::<6, 3>(self.addr.q.val().get_bits::<3>(0)) << 3;
        self.size_mask.next = 0xFF.into();
        if self.funct3.val().get_bits::<2>(0) == 1 {
            self.size_mask.next = 0xFFFF.into();
        } else if self.funct3.val().get_bits::<2>(0) == 2 {
            self.size_mask.next = self.low32.val();
        } else if self.funct3.val().get_bits::<2>(0) == 3 {
            self.size_mask.next = !self.size_mask.val() | 0xFF;
        }
        self.lane_mask.next = self.size_mask.val() << self.shift.val();
        self.loaded.next = (self.bus_rdata.val() >> self.shift.val()) & self.size_mask.val();
        self.load_val.next = self.loaded.val().get_bits::<XLEN>(0);
        if !self.funct3.val().get_bit(2) {
            if (self.funct3.val().get_bits::<2>(0) == 0) & self.loaded.val().get_bit(7) {
                self.load_val.next = self.loaded.val().get_bits::<XLEN>(0) | self.high8.val();
            }
            if (self.funct3.val().get_bits::<2>(0) == 1) & self.loaded.val().get_bit(15) {
                self.load_val.next = self.loaded.val().get_bits::<XLEN>(0) | self.high16.val();
            }
            if (self.funct3.val().get_bits::<2>(0) == 2) & self.loaded.val().get_bit(31) {
                self.load_val.next = self.loaded.val().get_bits::<XLEN>(0) | self.high32.val();
            }
        }

        // ---- What goes to rd: a CSR access writes the unit's old value.
        self.wb_val.next = self.res.q.val();
        if self.is_csr.q.val() {
            self.wb_val.next = self.csr_rdata.val();
        }

        // ---- Outputs: nothing is presented unless a state says so.
        self.retire.next = false;
        self.next_rip.next = self.npc.q.val();
        self.rsp_we.next = false;
        self.rsp_wdata.next = self.wb_val.val();
        self.gs_we.next = false;
        self.gs_wdata.next = self.wb_val.val();
        self.op_syscall.next = false;
        self.op_eret.next = false;
        self.csr_re.next = false;
        self.csr_we.next = false;
        self.csr_addr.next = bit_cast::<8, 6>(self.ir.q.val().get_bits::<6>(20));
        self.csr_wdata.next = self.res.q.val();
        if self.ir.q.val().get_bits::<2>(12) == 2 {
            self.csr_wdata.next = self.csr_rdata.val() | self.res.q.val();
        } else if self.ir.q.val().get_bits::<2>(12) == 3 {
            self.csr_wdata.next = self.csr_rdata.val() & !self.res.q.val();
        }
        self.exc_valid.next = false;
        self.exc_vector.next = self.x_vector.q.val();
        self.exc_error.next = self.x_error.q.val();
        self.exc_error_valid.next = self.x_error_valid.q.val();
        self.exc_data.next = self.x_data.q.val();
        self.bus_addr.next = self.addr.q.val();
        self.bus_we.next = false;
        self.bus_wdata.next = self.st_data.q.val();
        self.rf_a.write_address.next = self.ir.q.val().get_bits::<5>(7);
        self.rf_a.write_data.next = self.res.q.val();
        self.rf_a.write_enable.next = false;
        self.rf_b.write_address.next = self.ir.q.val().get_bits::<5>(7);
        self.rf_b.write_data.next = self.res.q.val();
        self.rf_b.write_enable.next = false;

        // ---- The state machine.
        if self.in_fetch.val() {
            self.bus_addr.next = self.rip.val();
            if !self.busy.val() & !self.shutdown.val() {
                self.pc.d.next = self.rip.val();
                self.state.d.next = CpuState::Decode;
                self.x_data.d.next = self.rip.val();
                self.x_error.d.next = 0.into();
                self.x_error_valid.d.next = true;
                if self.rip.val().get_bits::<2>(0) != 0 {
                    // A misaligned pc (from ENTRY or URIP): #GP.
                    self.x_vector.d.next = 13.into();
                    self.state.d.next = CpuState::Trap;
                } else if (self.user.val() & !self.f_in_user.val())
                    | (!self.user.val() & !self.f_in_ram.val())
                {
                    self.x_vector.d.next = 14.into();
                    self.x_error.d.next =
                        bit_cast::<32, 1>((self.f_in_ram.val() | self.f_in_dev.val()).into())
                            | (bit_cast::<32, 1>(self.user.val().into()) << 2)
                            | 0x10;
                    self.state.d.next = CpuState::Trap;
                }
            }
        } else if self.in_decode.val() {
            self.ir.d.next = self.fetch_word.val();
            self.state.d.next = CpuState::Execute;
        } else if self.in_execute.val() {
            self.bus_addr.next = self.agen.val();
            self.res.d.next = self.alu_res.val();
            self.rd_we.d.next = self.rd.val() != 0;
            self.npc.d.next = self.pc_plus4.val();
            self.addr.d.next = self.agen.val();
            self.st_data.d.next = bit_cast::<64, XLEN>(self.rs2_val.val());
            self.is_load.d.next = false;
            self.is_store.d.next = false;
            self.is_syscall.d.next = false;
            self.is_eret.d.next = false;
            self.is_csr.d.next = false;
            self.csr_rd.d.next = false;
            self.csr_wr.d.next = false;
            self.x_error.d.next = 0.into();
            self.x_error_valid.d.next = false;
            self.x_data.d.next = 0.into();
            self.state.d.next = CpuState::Retire;
            if self.op_lui.val() {
                self.res.d.next = self.imm_u.val();
            }
            if self.op_auipc.val() {
                self.res.d.next = self.pc.q.val() + self.imm_u.val();
            }
            if self.op_jal.val() | self.op_jalr.val() {
                self.res.d.next = self.pc_plus4.val();
            }
            if self.jumps.val() {
                self.npc.d.next = self.target.val();
            }
            if self.op_branch.val()
                | self.op_store.val()
                | self.op_fence.val()
                | self.op_system.val()
            {
                self.rd_we.d.next = false;
            }
            if self.op_csr.val() {
                self.rd_we.d.next = self.rd.val() != 0;
                self.res.d.next = self.csr_src.val();
                self.is_csr.d.next = self.csr_unit.val();
                self.csr_rd.d.next = self.csr_reads.val();
                self.csr_wr.d.next = self.csr_writes.val();
                if self.csr_counter.val() {
                    self.res.d.next = self.mtime.val();
                    if self.csr.val() == 0xC02 {
                        self.res.d.next = self.instret.q.val();
                    }
                }
            }
            self.is_syscall.d.next = self.op_ecall.val();
            self.is_eret.d.next = self.op_sret.val();
            if self.op_load.val() | self.op_store.val() {
                self.is_load.d.next = self.op_load.val();
                self.is_store.d.next = self.op_store.val();
                self.state.d.next = CpuState::Memory;
            }
            // Faults, in priority order (docs/soc.md).
            self.x_data.d.next = self.agen.val();
            if !self.legal.val() {
                self.x_vector.d.next = 6.into();
                self.x_data.d.next = 0.into();
                self.state.d.next = CpuState::Trap;
            } else if self.op_ebreak.val() {
                self.x_vector.d.next = 3.into();
                self.x_data.d.next = 0.into();
                self.state.d.next = CpuState::Trap;
            } else if self.jumps.val() & self.target.val().get_bit(1) {
                self.x_vector.d.next = 13.into();
                self.x_error_valid.d.next = true;
                self.x_data.d.next = self.target.val();
                self.state.d.next = CpuState::Trap;
            } else if (self.op_load.val() | self.op_store.val()) & self.a_misaligned.val() {
                self.x_vector.d.next = 17.into();
                self.x_error_valid.d.next = true;
                self.state.d.next = CpuState::Trap;
            } else if (self.op_load.val() | self.op_store.val()) & !self.a_allowed.val() {
                self.x_vector.d.next = 14.into();
                self.x_error_valid.d.next = true;
                self.x_error.d.next =
                    bit_cast::<32, 1>((self.a_in_ram.val() | self.a_in_dev.val()).into())
                        | (bit_cast::<32, 1>(self.op_store.val().into()) << 1)
                        | (bit_cast::<32, 1>(self.user.val().into()) << 2);
                self.state.d.next = CpuState::Trap;
            }
        } else if self.in_memory.val() {
            self.res.d.next = self.load_val.val();
            self.st_data.d.next = (self.bus_rdata.val() & !self.lane_mask.val())
                | ((self.st_data.q.val() << self.shift.val()) & self.lane_mask.val());
            self.state.d.next = CpuState::Retire;
        } else if self.in_retire.val() {
            self.retire.next =
                self.present.val() & !self.is_syscall.q.val() & !self.is_eret.q.val();
            self.rsp_we.next = self.present.val() & self.rd_we.q.val() & (self.rd.val() == 2);
            self.gs_we.next = self.present.val() & self.rd_we.q.val() & (self.rd.val() == 4);
            self.op_syscall.next = self.present.val() & self.is_syscall.q.val();
            self.op_eret.next = self.present.val() & self.is_eret.q.val();
            self.csr_re.next = self.present.val() & self.is_csr.q.val() & self.csr_rd.q.val();
            self.csr_we.next = self.present.val() & self.is_csr.q.val() & self.csr_wr.q.val();
            self.res.d.next = self.wb_val.val();
            self.state.d.next = CpuState::Commit;
        } else if self.in_trap.val() {
            self.exc_valid.next = self.present.val();
            self.state.d.next = CpuState::Fetch;
        } else if self.in_commit.val() {
            if self.commit.val() {
                self.rf_a.write_enable.next =
                    self.rd_we.q.val() & (self.rd.val() != 2) & (self.rd.val() != 4);
                self.rf_b.write_enable.next =
                    self.rd_we.q.val() & (self.rd.val() != 2) & (self.rd.val() != 4);
                self.bus_we.next = self.is_store.q.val();
                if !self.is_syscall.q.val() & !self.is_eret.q.val() {
                    self.instret.d.next = self.instret.q.val() + 1;
                }
            }
            self.state.d.next = CpuState::Fetch;
        }
        // The unit took an event or is moving a frame: drop the instruction.
        if !self.in_fetch.val() & self.abort.val() {
            self.state.d.next = CpuState::Fetch;
        }
        if self.reset.val() {
            self.state.d.next = CpuState::Fetch;
            self.instret.d.next = 0.into();
        }
    }
}
