//! Directed tests of `ReturnPath` alone, in rust-hdl's `Simulation`.
//!
//! SPEC.md, "ERET", and spec-notes section 6: ERET in kernel mode with
//! `framed` = 0 leaves to user at once (`leave`); with `framed` = 1 it pops
//! the frame from the kernel RSP (`start_pop`), and at the fifth answer
//! restores the kernel RIP (the fifth word), kernel RSP (the RSP word),
//! STATUS (the five bits of its word), EVENT_INFO (its defined fields) and
//! EVENT_DATA; CPL becomes 3 when the STATUS being left says `prev_user`.
//! The frame sequencer is played by the testbench.
//! Each test writes `waveforms/return_path-<test>.vcd`.

#[macro_use]
mod common;

use ptu_arch::{event_info, frame, status};
use ptu_rtl::return_path::ReturnPath as ReturnPathOf;

/// The 64-bit block.
type ReturnPath = ReturnPathOf<64>;
use rust_hdl::prelude::*;

const BLOCK: &str = "return_path";

fn path() -> ReturnPath {
    common::connected(ReturnPath::default())
}

fn quiet(x: &mut ReturnPath) {
    x.reset.next = false;
    x.do_eret.next = false;
    x.status_framed.next = false;
    x.status_prev_user.next = false;
    x.seq_popping.next = false;
    x.seq_answer.next = false;
    x.seq_word.next = 0.into();
    x.seq_done.next = false;
    x.mem_rdata.next = 0.into();
}

/// A frame as it sits in memory, lowest address first.
#[derive(Clone, Copy)]
struct Frame {
    data: u64,
    info: u64,
    status: u64,
    rsp: u64,
    rip: u64,
}

impl Frame {
    /// The words in pop order (word `i` at the kernel RSP + 8 i).
    fn words(&self) -> [u64; 5] {
        [self.data, self.info, self.status, self.rsp, self.rip]
    }
}

// The pop order of the words is ptu_arch's frame layout.
const _: () = assert!(frame::OFF_EVENT_DATA == 0 && frame::OFF_EVENT_INFO == 8);
const _: () = assert!(frame::OFF_STATUS == 16 && frame::OFF_RSP == 24 && frame::OFF_RIP == 32);

/// What the block presents at the fifth answer: (rip, rsp, info, data, status bits).
fn restored(x: &ReturnPath) -> (u64, u64, u64, u64, u64) {
    let bits = (x.restore_if.val() as u64) << status::IF
        | (x.restore_framed.val() as u64) << status::FRAMED
        | (x.restore_nmi_blocked.val() as u64) << status::NMI_BLOCKED
        | (x.restore_prev_user.val() as u64) << status::PREV_USER
        | (x.restore_critical.val() as u64) << status::CRITICAL;
    (
        x.restore_rip.val().to_u64(),
        x.restore_rsp.val().to_u64(),
        x.restore_info.val().to_u64(),
        x.restore_data.val().to_u64(),
        bits,
    )
}

/// What must be restored from `f`.
fn expected(f: &Frame) -> (u64, u64, u64, u64, u64) {
    (
        f.rip,
        f.rsp,
        f.info & event_info::MASK,
        f.data,
        f.status & status::MASK,
    )
}

block_test!(
    eret_leaves_or_pops_by_framed,
    ReturnPath,
    path(),
    20,
    |sim, x| {
        quiet(&mut x);
        x.reset.next = true;
        edge!(sim, x);
        for eret in [false, true] {
            for framed in [false, true] {
                for prev_user in [false, true] {
                    quiet(&mut x);
                    x.do_eret.next = eret;
                    x.status_framed.next = framed;
                    x.status_prev_user.next = prev_user;
                    settle!(sim, x);
                    let ctx = format!("do_eret {eret} framed {framed} prev_user {prev_user}");
                    check!(sim, x, x.leave.val(), eret && !framed, "{ctx}: leave");
                    check!(
                        sim,
                        x,
                        x.start_pop.val(),
                        eret && framed,
                        "{ctx}: start_pop"
                    );
                    check!(sim, x, x.restore.val(), false, "{ctx}: restore");
                    edge!(sim, x);
                }
            }
        }
    }
);

block_test!(
    pop_restores_the_frame_at_the_fifth_answer,
    ReturnPath,
    path(),
    80,
    |sim, x| {
        quiet(&mut x);
        x.reset.next = true;
        edge!(sim, x);
        check!(sim, x, restored(&x), (0, 0, 0, 0, 0), "after reset");
        let frames = [
            // Return to user from an ordinary handler: undefined bits of
            // EVENT_INFO and STATUS are set in memory and must be dropped.
            (
                true,
                Frame {
                    data: 0x0000_7fff_dead_0000,
                    info: 0xfffc_0000_0000_00f8 | event_info::pack(3, 14, 0x6, true, true),
                    status: 0xffff_ffff_ffff_ffe0 | 1 << status::IF,
                    rsp: 0xffff_c900_0000_8000,
                    rip: 0xffff_ffff_8000_1234,
                },
            ),
            // Return to kernel from a nested critical handler.
            (
                false,
                Frame {
                    data: 0,
                    info: event_info::pack(0, 40, 0, false, false),
                    status: (1 << status::FRAMED)
                        | (1 << status::NMI_BLOCKED)
                        | (1 << status::PREV_USER)
                        | (1 << status::CRITICAL),
                    rsp: 0xffff_c900_0000_7000,
                    rip: 0xffff_ffff_8000_5678,
                },
            ),
            // Every bit of every word set.
            (
                true,
                Frame {
                    data: !0,
                    info: !0,
                    status: !0,
                    rsp: !0,
                    rip: !0,
                },
            ),
        ];
        for (n, (prev_user, f)) in frames.into_iter().enumerate() {
            // ERET with framed = 1; the STATUS being left has `prev_user`.
            quiet(&mut x);
            x.do_eret.next = true;
            x.status_framed.next = true;
            x.status_prev_user.next = prev_user;
            settle!(sim, x);
            check!(sim, x, x.start_pop.val(), true, "frame {n}: start_pop");
            edge!(sim, x);
            // The sequencer pops five words, with wait states in between
            // whose read data is garbage.
            for (i, word) in f.words().into_iter().enumerate() {
                for w in 0..(i % 3) {
                    quiet(&mut x);
                    x.status_framed.next = true;
                    x.status_prev_user.next = prev_user;
                    x.seq_popping.next = true;
                    x.seq_word.next = (i as u64).into();
                    x.mem_rdata.next = (0x5a5a_5a5a_0000_0000 + w as u64).into();
                    settle!(sim, x);
                    check!(
                        sim,
                        x,
                        x.restore.val(),
                        false,
                        "frame {n}: word {i} wait {w}"
                    );
                    edge!(sim, x);
                }
                quiet(&mut x);
                x.status_framed.next = true;
                x.status_prev_user.next = prev_user;
                x.seq_popping.next = true;
                x.seq_answer.next = true;
                x.seq_word.next = (i as u64).into();
                x.seq_done.next = i == 4;
                x.mem_rdata.next = word.into();
                settle!(sim, x);
                check!(
                    sim,
                    x,
                    x.restore.val(),
                    i == 4,
                    "frame {n}: word {i}: restore"
                );
                check!(sim, x, x.leave.val(), false, "frame {n}: word {i}: leave");
                if i == 4 {
                    check!(
                        sim,
                        x,
                        restored(&x),
                        expected(&f),
                        "frame {n}: restored values"
                    );
                    check!(
                        sim,
                        x,
                        x.restore_user.val(),
                        prev_user,
                        "frame {n}: restore_user"
                    );
                }
                edge!(sim, x);
            }
        }
        quiet(&mut x);
        settle!(sim, x);
        check!(sim, x, x.restore.val(), false, "after the pops");
        edge!(sim, x);
    }
);

block_test!(
    only_a_completed_pop_restores,
    ReturnPath,
    path(),
    30,
    |sim, x| {
        quiet(&mut x);
        x.reset.next = true;
        edge!(sim, x);
        // A pop whose third word fails: the sequencer never says done.
        for (i, word) in [0x11u64, 0x22, 0x33].into_iter().enumerate() {
            quiet(&mut x);
            x.seq_popping.next = true;
            x.seq_answer.next = i < 2;
            x.seq_word.next = (i as u64).into();
            x.mem_rdata.next = word.into();
            settle!(sim, x);
            check!(sim, x, x.restore.val(), false, "failed pop, word {i}");
            edge!(sim, x);
        }
        // A push (seq_popping low) answers and finishes: its words are not
        // frame words to restore, and its end is not a restore.
        for i in 0..5u64 {
            quiet(&mut x);
            x.seq_answer.next = true;
            x.seq_done.next = i == 4;
            x.seq_word.next = i.into();
            x.mem_rdata.next = (0xbad0 + i).into();
            settle!(sim, x);
            check!(sim, x, x.restore.val(), false, "push word {i}");
            edge!(sim, x);
        }
        // A complete pop: every value comes from it.
        let f = Frame {
            data: 0x1000,
            info: event_info::pack(7, 0, 0, true, false),
            status: 1 << status::PREV_USER,
            rsp: 0x2000,
            rip: 0x3000,
        };
        for (i, word) in f.words().into_iter().enumerate() {
            quiet(&mut x);
            x.seq_popping.next = true;
            x.seq_answer.next = true;
            x.seq_word.next = (i as u64).into();
            x.seq_done.next = i == 4;
            x.mem_rdata.next = word.into();
            settle!(sim, x);
            if i == 4 {
                check!(sim, x, x.restore.val(), true, "full pop: restore");
                check!(sim, x, restored(&x), expected(&f), "full pop: values");
                check!(
                    sim,
                    x,
                    x.restore_user.val(),
                    false,
                    "full pop: restore_user"
                );
            }
            edge!(sim, x);
        }
        // Reset clears what was captured.
        quiet(&mut x);
        x.reset.next = true;
        edge!(sim, x);
        quiet(&mut x);
        settle!(sim, x);
        check!(sim, x, restored(&x), (0, 0, 0, 0, 0), "after reset");
        edge!(sim, x);
    }
);

#[test]
fn synthesises() {
    common::synthesises(BLOCK, &path());
}

/// The 32-bit block (docs/spec.md section 14.1).
type ReturnPath32 = ReturnPathOf<32>;

fn quiet32(x: &mut ReturnPath32) {
    x.reset.next = false;
    x.do_eret.next = false;
    x.status_framed.next = false;
    x.status_prev_user.next = false;
    x.seq_popping.next = false;
    x.seq_answer.next = false;
    x.seq_word.next = 0.into();
    x.seq_done.next = false;
    x.mem_rdata.next = 0.into();
}

block_test!(
    a_32_bit_pop_restores_event_info_from_two_words,
    ReturnPath32,
    common::connected(ReturnPath32::default()),
    40,
    |sim, x| {
        quiet32(&mut x);
        x.reset.next = true;
        edge!(sim, x);
        // The frame in pop order (lowest address first): EVENT_DATA,
        // EVENT_INFO bits 31:0, bits 63:32, STATUS, RSP, RIP. Undefined
        // bits of both EVENT_INFO words and of STATUS are set in memory.
        let info = event_info::pack(3, 14, 0xbeef_1234, true, true);
        let words: [u64; 6] = [
            0xdead_0000,
            (info & 0xffff_ffff) | 0xf8,
            (info >> 32) | 0xfffc_0000,
            0xffff_ffe0 | 1 << status::IF | 1 << status::CRITICAL,
            0x0000_7000,
            0x8000_5678,
        ];
        quiet32(&mut x);
        x.do_eret.next = true;
        x.status_framed.next = true;
        x.status_prev_user.next = true;
        edge!(sim, x);
        for (i, word) in words.into_iter().enumerate() {
            // One wait state with garbage read data before each answer.
            quiet32(&mut x);
            x.seq_popping.next = true;
            x.status_prev_user.next = true;
            x.seq_word.next = (i as u64).into();
            x.mem_rdata.next = 0x5a5a_5a5a.into();
            edge!(sim, x);
            x.seq_answer.next = true;
            x.seq_done.next = i == 5;
            x.mem_rdata.next = word.into();
            settle!(sim, x);
            check!(sim, x, x.restore.val(), i == 5, "word {i}: restore");
            if i == 5 {
                let got = (
                    x.restore_rip.val().to_u64(),
                    x.restore_rsp.val().to_u64(),
                    x.restore_info.val().to_u64(),
                    x.restore_data.val().to_u64(),
                    x.restore_if.val(),
                    x.restore_critical.val(),
                    x.restore_framed.val(),
                );
                check!(
                    sim,
                    x,
                    got,
                    (0x8000_5678, 0x7000, info, 0xdead_0000, true, true, false),
                    "restored values"
                );
            }
            edge!(sim, x);
        }
    }
);
