//! `OutputChecker`: the demo's comparator. Every output of the unit is
//! compared with the value the reference model predicted for the cycle,
//! and the mismatches (one bit per port, in SPEC's port order, as
//! `demo_program::port_names` lists them) are registered with the step
//! they belong to. The XLEN-bit ports are `XLEN` bits wide (`event_info`
//! is 64 bits in every configuration); `fs_base` (option `fs_bank`) is
//! compared by [`crate::fs_steps::FsSteps`].

use rust_hdl::prelude::*;

/// Ports compared, and bits of the mismatch mask.
pub const PORTS: usize = 15;

/// Compares the unit's outputs with the expected ones; registers the
/// mismatches when `check` is on, none otherwise.
#[derive(LogicBlock, Default)]
pub struct OutputChecker<const XLEN: usize = 64> {
    /// Clock of the mismatch and step registers.
    pub clock: Signal<In, Clock>,
    /// Compare in this cycle (off: register no mismatch).
    pub check: Signal<In, Bit>,
    /// The step whose outputs are compared in this cycle.
    pub step: Signal<In, Bits<8>>,
    /// The unit's `cpl`.
    pub cpl: Signal<In, Bits<2>>,
    /// The unit's `rip`.
    pub rip: Signal<In, Bits<XLEN>>,
    /// The unit's `rsp`.
    pub rsp: Signal<In, Bits<XLEN>>,
    /// The unit's `gs_base`.
    pub gs_base: Signal<In, Bits<XLEN>>,
    /// The unit's `csr_rdata`.
    pub csr_rdata: Signal<In, Bits<XLEN>>,
    /// The unit's `irq_ack`.
    pub irq_ack: Signal<In, Bit>,
    /// The unit's `redirect`.
    pub redirect: Signal<In, Bit>,
    /// The unit's `busy`.
    pub busy: Signal<In, Bit>,
    /// The unit's `event_info`.
    pub event_info: Signal<In, Bits<64>>,
    /// The unit's `event_data`.
    pub event_data: Signal<In, Bits<XLEN>>,
    /// The unit's `mem_valid`.
    pub mem_valid: Signal<In, Bit>,
    /// The unit's `mem_we`.
    pub mem_we: Signal<In, Bit>,
    /// The unit's `mem_addr`.
    pub mem_addr: Signal<In, Bits<XLEN>>,
    /// The unit's `mem_wdata`.
    pub mem_wdata: Signal<In, Bits<XLEN>>,
    /// The unit's `shutdown`.
    pub shutdown: Signal<In, Bit>,
    /// Expected small outputs, as the step word holds them: `cpl` in bits
    /// 1:0, then `irq_ack`, `redirect`, `busy`, `mem_valid`, `mem_we`,
    /// `shutdown` in bits 2 to 7.
    pub expect_small: Signal<In, Bits<8>>,
    /// Expected `rip`.
    pub expect_rip: Signal<In, Bits<XLEN>>,
    /// Expected `rsp`.
    pub expect_rsp: Signal<In, Bits<XLEN>>,
    /// Expected `gs_base`.
    pub expect_gs_base: Signal<In, Bits<XLEN>>,
    /// Expected `csr_rdata`.
    pub expect_csr_rdata: Signal<In, Bits<XLEN>>,
    /// Expected `event_info`.
    pub expect_event_info: Signal<In, Bits<64>>,
    /// Expected `event_data`.
    pub expect_event_data: Signal<In, Bits<XLEN>>,
    /// Expected `mem_addr`.
    pub expect_mem_addr: Signal<In, Bits<XLEN>>,
    /// Expected `mem_wdata`.
    pub expect_mem_wdata: Signal<In, Bits<XLEN>>,
    /// The mismatches of the previous cycle, bit per port.
    pub miss: Signal<Out, Bits<PORTS>>,
    /// The step of the previous cycle (whose mismatches `miss` holds).
    pub miss_step: Signal<Out, Bits<8>>,
    missed: DFF<Bits<PORTS>>,
    missed_step: DFF<Bits<8>>,
    miss_now: Signal<Local, Bits<PORTS>>,
}

impl<const XLEN: usize> Logic for OutputChecker<XLEN> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, missed, missed_step);
        self.miss_now.next =
            bit_cast::<15, 1>((self.cpl.val() != self.expect_small.val().get_bits::<2>(0)).into())
                | (bit_cast::<15, 1>((self.rip.val() != self.expect_rip.val()).into()) << 1)
                | (bit_cast::<15, 1>((self.rsp.val() != self.expect_rsp.val()).into()) << 2)
                | (bit_cast::<15, 1>((self.gs_base.val() != self.expect_gs_base.val()).into())
                    << 3)
                | (bit_cast::<15, 1>((self.csr_rdata.val() != self.expect_csr_rdata.val()).into())
                    << 4)
                | (bit_cast::<15, 1>(
                    (self.irq_ack.val() != self.expect_small.val().get_bit(2)).into(),
                ) << 5)
                | (bit_cast::<15, 1>(
                    (self.redirect.val() != self.expect_small.val().get_bit(3)).into(),
                ) << 6)
                | (bit_cast::<15, 1>(
                    (self.busy.val() != self.expect_small.val().get_bit(4)).into(),
                ) << 7)
                | (bit_cast::<15, 1>(
                    (self.event_info.val() != self.expect_event_info.val()).into(),
                ) << 8)
                | (bit_cast::<15, 1>(
                    (self.event_data.val() != self.expect_event_data.val()).into(),
                ) << 9)
                | (bit_cast::<15, 1>(
                    (self.mem_valid.val() != self.expect_small.val().get_bit(5)).into(),
                ) << 10)
                | (bit_cast::<15, 1>(
                    (self.mem_we.val() != self.expect_small.val().get_bit(6)).into(),
                ) << 11)
                | (bit_cast::<15, 1>((self.mem_addr.val() != self.expect_mem_addr.val()).into())
                    << 12)
                | (bit_cast::<15, 1>((self.mem_wdata.val() != self.expect_mem_wdata.val()).into())
                    << 13)
                | (bit_cast::<15, 1>(
                    (self.shutdown.val() != self.expect_small.val().get_bit(7)).into(),
                ) << 14);
        self.missed.d.next = 0.into();
        if self.check.val() {
            self.missed.d.next = self.miss_now.val();
        }
        self.missed_step.d.next = self.step.val();
        self.miss.next = self.missed.q.val();
        self.miss_step.next = self.missed_step.q.val();
    }
}
