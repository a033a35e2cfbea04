//! `FsSteps`: the FS part of the demo's steps (option `fs_bank`), beside
//! the [`crate::step_sequencer::StepSequencer`]: a ROM of one FS word per
//! step (`demo_program::FS_STEP_BITS`: `fs_we` in bit 0, the index of the
//! expected `fs_base` above it) and the dictionary of `fs_base` values,
//! both read combinationally from the step that the sequencer's stage B
//! presents (its `step`), and the comparator of `fs_base`, registered as
//! the [`crate::output_checker::OutputChecker`] registers the others.
//!
//! The word applies while stage B holds a replayed, checked step (the
//! sequencer's `check`): every step but the first, the reset step, whose
//! `fs_we` `encode` keeps 0. So, like the other inputs, `fs_we` is 0
//! whenever the sequencer presents idle inputs (pauses, reports, after a
//! mismatch); `fs_wdata` is the sequencer's shared `data`.

use crate::demo_program::{DemoImage, DICT_BITS, FS_STEP_BITS, STEP_ADDR_BITS};
use crate::output_checker::PORTS;
use crate::step_rom::{dict, Dict};
use rust_hdl::prelude::*;

/// The FS words, the `fs_base` dictionary and comparator.
#[derive(LogicBlock)]
pub struct FsSteps<const XLEN: usize = 64> {
    /// Clock of the mismatch register.
    pub clock: Signal<In, Clock>,
    /// The step stage B presents (the sequencer's `step`).
    pub step: Signal<In, Bits<STEP_ADDR_BITS>>,
    /// Stage B holds a checked step (the sequencer's `check`).
    pub check: Signal<In, Bit>,
    /// The unit's `fs_base`.
    pub fs_base: Signal<In, Bits<XLEN>>,
    /// The unit's `fs_we`.
    pub fs_we: Signal<Out, Bit>,
    /// The checker's mismatches of the previous cycle (15 ports).
    pub port_miss: Signal<In, Bits<PORTS>>,
    /// The mismatches of the previous cycle, 16 ports: the checker's,
    /// then `fs_base` in bit 15.
    pub miss: Signal<Out, Bits<16>>,
    words: ROM<Bits<FS_STEP_BITS>, STEP_ADDR_BITS>,
    fs_dict: Dict<XLEN>,
    missed: DFF<Bit>,
    word: Signal<Local, Bits<FS_STEP_BITS>>,
}

impl<const XLEN: usize> FsSteps<XLEN> {
    /// The FS words and dictionary of `image` (`demo_program::encode` of
    /// a program for a configuration with `fs_bank`).
    pub fn new(image: &DemoImage) -> Self {
        Self {
            clock: Default::default(),
            step: Default::default(),
            check: Default::default(),
            fs_base: Default::default(),
            fs_we: Default::default(),
            port_miss: Default::default(),
            miss: Default::default(),
            words: ROM::new(
                image
                    .fs_steps
                    .iter()
                    .enumerate()
                    .map(|(i, w)| ((i as u64).into(), (*w).into()))
                    .collect(),
            ),
            fs_dict: dict(&image.fs_dict),
            missed: Default::default(),
            word: Default::default(),
        }
    }
}

impl<const XLEN: usize> Logic for FsSteps<XLEN> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, missed);
        self.words.address.next = self.step.val();
        self.word.next = self.words.data.val();
        self.fs_dict.address.next = self.word.val().get_bits::<DICT_BITS>(1);
        self.fs_we.next = self.check.val() & self.word.val().get_bit(0);
        self.missed.d.next = self.check.val() & (self.fs_base.val() != self.fs_dict.data.val());
        self.miss.next = bit_cast::<16, 15>(self.port_miss.val())
            | (bit_cast::<16, 1>(self.missed.q.val().into()) << 15);
    }
}
