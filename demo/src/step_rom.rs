//! `StepRom`: the replayed steps. A synchronous ROM of step words
//! (`demo_program`'s layout) and, behind it, the dictionaries of the
//! XLEN-bit values (`event_info`'s: 64-bit), read combinationally from the
//! word's indices: the step at `address` appears on the outputs, fields
//! decoded, one cycle later.

use crate::demo_program::{DemoImage, DICT_BITS, STEP_ADDR_BITS, STEP_BITS};
use rust_hdl::prelude::*;

/// A dictionary of `N`-bit values.
pub type Dict<const N: usize> = ROM<Bits<N>, DICT_BITS>;

/// The dictionary ROM of `values` (`encode` cut them to `N` bits).
pub fn dict<const N: usize>(values: &[u64]) -> Dict<N> {
    ROM::new(
        values
            .iter()
            .enumerate()
            .map(|(i, v)| ((i as u64).into(), (*v).into()))
            .collect(),
    )
}

fn word(w: u128) -> Bits<STEP_BITS> {
    let mut b = Bits::<STEP_BITS>::default();
    b.set_bits::<64>(0, (w as u64).into());
    b.set_bits::<{ STEP_BITS - 64 }>(64, ((w >> 64) as u64).into());
    b
}

/// The step ROM and its dictionaries.
#[derive(LogicBlock)]
pub struct StepRom<const XLEN: usize = 64> {
    /// Clock of the step ROM.
    pub clock: Signal<In, Clock>,
    /// The step to read (its fields appear in the next cycle).
    pub address: Signal<In, Bits<STEP_ADDR_BITS>>,
    /// Compare the unit's outputs in this step.
    pub check: Signal<Out, Bit>,
    /// A transition starts in this step.
    pub start: Signal<Out, Bit>,
    /// Pause and print after this step.
    pub print: Signal<Out, Bit>,
    /// The last step of its segment.
    pub last: Signal<Out, Bit>,
    /// The unit's 1-bit inputs, `demo_program::INPUT_FLAGS` order.
    pub flags: Signal<Out, Bits<15>>,
    /// The unit's `csr_addr`.
    pub csr_addr: Signal<Out, Bits<8>>,
    /// The unit's `exc_vector`.
    pub exc_vector: Signal<Out, Bits<8>>,
    /// The unit's `irq_vector`.
    pub irq_vector: Signal<Out, Bits<8>>,
    /// The value of all six XLEN-bit inputs of the unit.
    pub data: Signal<Out, Bits<XLEN>>,
    /// The unit's `exc_error`.
    pub exc_error: Signal<Out, Bits<32>>,
    /// Expected `cpl` (bits 1:0) and 1-bit outputs (bits 2 to 7,
    /// `demo_program::FLAG_OUTPUTS` order).
    pub expect_small: Signal<Out, Bits<8>>,
    /// Expected `rip`.
    pub expect_rip: Signal<Out, Bits<XLEN>>,
    /// Expected `rsp`.
    pub expect_rsp: Signal<Out, Bits<XLEN>>,
    /// Expected `gs_base`.
    pub expect_gs_base: Signal<Out, Bits<XLEN>>,
    /// Expected `csr_rdata`.
    pub expect_csr_rdata: Signal<Out, Bits<XLEN>>,
    /// Expected `event_info`.
    pub expect_event_info: Signal<Out, Bits<64>>,
    /// Expected `event_data`.
    pub expect_event_data: Signal<Out, Bits<XLEN>>,
    /// Expected `mem_addr`.
    pub expect_mem_addr: Signal<Out, Bits<XLEN>>,
    /// Expected `mem_wdata`.
    pub expect_mem_wdata: Signal<Out, Bits<XLEN>>,
    steps: SyncROM<Bits<STEP_BITS>, STEP_ADDR_BITS>,
    data_dict: Dict<XLEN>,
    error_dict: ROM<Bits<32>, DICT_BITS>,
    rip_dict: Dict<XLEN>,
    rsp_dict: Dict<XLEN>,
    gs_dict: Dict<XLEN>,
    rdata_dict: Dict<XLEN>,
    info_dict: Dict<64>,
    edata_dict: Dict<XLEN>,
    addr_dict: Dict<XLEN>,
    wdata_dict: Dict<XLEN>,
    rec: Signal<Local, Bits<STEP_BITS>>,
}

impl<const XLEN: usize> StepRom<XLEN> {
    /// The ROMs of `image` (`demo_program::encode`).
    pub fn new(image: &DemoImage) -> Self {
        let w = &image.wide_dicts;
        Self {
            clock: Default::default(),
            address: Default::default(),
            check: Default::default(),
            start: Default::default(),
            print: Default::default(),
            last: Default::default(),
            flags: Default::default(),
            csr_addr: Default::default(),
            exc_vector: Default::default(),
            irq_vector: Default::default(),
            data: Default::default(),
            exc_error: Default::default(),
            expect_small: Default::default(),
            expect_rip: Default::default(),
            expect_rsp: Default::default(),
            expect_gs_base: Default::default(),
            expect_csr_rdata: Default::default(),
            expect_event_info: Default::default(),
            expect_event_data: Default::default(),
            expect_mem_addr: Default::default(),
            expect_mem_wdata: Default::default(),
            steps: SyncROM::new(
                image
                    .steps
                    .iter()
                    .enumerate()
                    .map(|(i, s)| ((i as u64).into(), word(*s)))
                    .collect(),
            ),
            data_dict: dict(&image.data_dict),
            error_dict: ROM::new(
                image
                    .error_dict
                    .iter()
                    .enumerate()
                    .map(|(i, v)| ((i as u64).into(), (*v).into()))
                    .collect(),
            ),
            rip_dict: dict(&w[0]),
            rsp_dict: dict(&w[1]),
            gs_dict: dict(&w[2]),
            rdata_dict: dict(&w[3]),
            info_dict: dict(&w[4]),
            edata_dict: dict(&w[5]),
            addr_dict: dict(&w[6]),
            wdata_dict: dict(&w[7]),
            rec: Default::default(),
        }
    }
}

impl<const XLEN: usize> Logic for StepRom<XLEN> {
    #[hdl_gen]
    fn update(&mut self) {
        self.steps.clock.next = self.clock.val();
        self.steps.address.next = self.address.val();
        // Bit offsets as `demo_program::field` lists them.
        self.rec.next = self.steps.data.val();
        self.data_dict.address.next = self.rec.val().get_bits::<5>(43);
        self.error_dict.address.next = self.rec.val().get_bits::<5>(48);
        self.rip_dict.address.next = self.rec.val().get_bits::<5>(61);
        self.rsp_dict.address.next = self.rec.val().get_bits::<5>(66);
        self.gs_dict.address.next = self.rec.val().get_bits::<5>(71);
        self.rdata_dict.address.next = self.rec.val().get_bits::<5>(76);
        self.info_dict.address.next = self.rec.val().get_bits::<5>(81);
        self.edata_dict.address.next = self.rec.val().get_bits::<5>(86);
        self.addr_dict.address.next = self.rec.val().get_bits::<5>(91);
        self.wdata_dict.address.next = self.rec.val().get_bits::<5>(96);
        self.check.next = self.rec.val().get_bit(0);
        self.start.next = self.rec.val().get_bit(1);
        self.print.next = self.rec.val().get_bit(2);
        self.last.next = self.rec.val().get_bit(3);
        self.flags.next = self.rec.val().get_bits::<15>(4);
        self.csr_addr.next = self.rec.val().get_bits::<8>(19);
        self.exc_vector.next = self.rec.val().get_bits::<8>(27);
        self.irq_vector.next = self.rec.val().get_bits::<8>(35);
        self.data.next = self.data_dict.data.val();
        self.exc_error.next = self.error_dict.data.val();
        self.expect_small.next = self.rec.val().get_bits::<8>(53);
        self.expect_rip.next = self.rip_dict.data.val();
        self.expect_rsp.next = self.rsp_dict.data.val();
        self.expect_gs_base.next = self.gs_dict.data.val();
        self.expect_csr_rdata.next = self.rdata_dict.data.val();
        self.expect_event_info.next = self.info_dict.data.val();
        self.expect_event_data.next = self.edata_dict.data.val();
        self.expect_mem_addr.next = self.addr_dict.data.val();
        self.expect_mem_wdata.next = self.wdata_dict.data.val();
    }
}

#[cfg(test)]
mod tests {
    use crate::demo_program::field;

    /// The offsets written in `update` are `demo_program::field`'s.
    #[test]
    fn offsets_are_the_fields() {
        let text = include_str!("step_rom.rs");
        for (name, offset) in [
            ("flags", field::FLAGS),
            ("csr_addr", field::CSR_ADDR),
            ("exc_vector", field::EXC_VECTOR),
            ("irq_vector", field::IRQ_VECTOR),
            ("data_dict.address", field::DATA_INDEX),
            ("error_dict.address", field::ERROR_INDEX),
            ("expect_small", field::CPL),
            ("rip_dict.address", field::WIDE),
        ] {
            let line = text
                .lines()
                .find(|l| {
                    l.trim_start()
                        .starts_with(&format!("self.{name}.next = self.rec"))
                })
                .unwrap_or_else(|| panic!("{name}"));
            assert!(line.ends_with(&format!("({offset});")), "{line}");
        }
    }
}
