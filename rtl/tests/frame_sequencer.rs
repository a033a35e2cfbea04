//! Directed tests of `FrameSequencer` alone, in rust-hdl's `Simulation`.
//!
//! SPEC.md, "Entry" and "ERET", and spec-notes section 4: a push writes
//! five words highest address first (return RIP, RSP, STATUS, EVENT_INFO,
//! EVENT_DATA), a pop reads them lowest address first; one word per bus
//! answer, the next request in the cycle after an answer; a request holds
//! until `mem_ready`; `mem_err` counts only with `mem_ready`; the bus
//! outputs are registers, 0 outside a transfer, and `mem_we`/`mem_wdata`
//! are 0 during a pop. A start at a bus error restarts the transfer (a
//! #DF's push); the unit starts at no other edge of a transfer.
//! Each test writes `waveforms/frame_sequencer-<test>.vcd`.

#[macro_use]
mod common;

use ptu_rtl::frame_sequencer::FrameSequencer as FrameSequencerOf;

/// The 64-bit block.
type FrameSequencer = FrameSequencerOf<64>;
use rust_hdl::prelude::*;

const BLOCK: &str = "frame_sequencer";

/// The five words of a push, in the order they are written.
const WORDS: [u64; 5] = [
    0xffff_ffff_8000_1234, // return RIP
    0xffff_c900_0000_8000, // kernel RSP
    0x0000_0000_0000_0015, // STATUS
    0x0001_0000_0000_0e03, // EVENT_INFO
    0x0000_7fff_0000_1000, // EVENT_DATA
];
/// The high EVENT_INFO word input of the 64-bit block, which no request
/// may carry.
const NEVER_PUSHED: u64 = 0x5a5a_a5a5_5a5a_a5a5;
/// First request address of a push (the frame's top word).
const PUSH_AT: u64 = 0xffff_c900_0000_7ff8;
/// The stack top a push starts below (its `start_addr`).
const PUSH_TOP: u64 = PUSH_AT + 8;
/// First request address of a pop (the frame's lowest word).
const POP_AT: u64 = 0xffff_c900_0000_7fd8;

fn sequencer() -> FrameSequencer {
    common::connected(FrameSequencer::default())
}

/// No start, no bus answer; the word inputs hold `WORDS`.
fn quiet(x: &mut FrameSequencer) {
    x.reset.next = false;
    x.start_push.next = false;
    x.start_pop.next = false;
    x.start_addr.next = 0.into();
    x.word_rip.next = WORDS[0].into();
    x.word_rsp.next = WORDS[1].into();
    x.word_status.next = WORDS[2].into();
    x.word_info.next = WORDS[3].into();
    // With XLEN = 64 the high EVENT_INFO word is never pushed.
    x.word_info_hi.next = NEVER_PUSHED.into();
    x.word_data.next = WORDS[4].into();
    x.mem_ready.next = false;
    x.mem_err.next = false;
}

/// The request: (mem_valid, mem_we, mem_addr, mem_wdata).
fn req(x: &FrameSequencer) -> (bool, bool, u64, u64) {
    (
        x.mem_valid.val(),
        x.mem_we.val(),
        x.mem_addr.val().to_u64(),
        x.mem_wdata.val().to_u64(),
    )
}

/// The request of word `i` of a push from `at`.
fn push_req(at: u64, i: u64) -> (bool, bool, u64, u64) {
    (true, true, at - 8 * i, WORDS[i as usize])
}

/// The request of word `i` of a pop from `at`.
fn pop_req(at: u64, i: u64) -> (bool, bool, u64, u64) {
    (true, false, at + 8 * i, 0)
}

/// The state: (busy, popping, word).
fn state(x: &FrameSequencer) -> (bool, bool, u64) {
    (x.busy.val(), x.popping.val(), x.word.val().to_u64())
}

/// The strobes of this cycle: (answer, done, bus_error).
fn strobes(x: &FrameSequencer) -> (bool, bool, bool) {
    (x.answer.val(), x.done.val(), x.bus_error.val())
}

const IDLE_REQ: (bool, bool, u64, u64) = (false, false, 0, 0);
const NO_STROBE: (bool, bool, bool) = (false, false, false);

block_test!(
    push_on_a_zero_wait_bus,
    FrameSequencer,
    sequencer(),
    20,
    |sim, x| {
        quiet(&mut x);
        x.reset.next = true;
        edge!(sim, x);
        // mem_ready tied high from now on.
        quiet(&mut x);
        x.mem_ready.next = true;
        settle!(sim, x);
        check!(sim, x, strobes(&x), NO_STROBE, "idle, mem_ready high");
        edge!(sim, x);
        x.start_push.next = true;
        x.start_addr.next = PUSH_TOP.into();
        settle!(sim, x);
        check!(
            sim,
            x,
            req(&x),
            IDLE_REQ,
            "start_push: the request is a register"
        );
        edge!(sim, x);
        x.start_push.next = false;
        x.start_addr.next = 0.into();
        for i in 0..5 {
            check!(sim, x, req(&x), push_req(PUSH_AT, i), "word {i}");
            check!(sim, x, state(&x), (true, false, i), "word {i}");
            check!(
                sim,
                x,
                x.frame_addr.val().to_u64(),
                PUSH_AT - 8 * i,
                "word {i}"
            );
            settle!(sim, x);
            check!(
                sim,
                x,
                strobes(&x),
                (true, i == 4, false),
                "word {i} answered"
            );
            edge!(sim, x);
        }
        // The fifth answer's edge ends the transfer.
        check!(sim, x, req(&x), IDLE_REQ, "after the fifth answer");
        check!(sim, x, state(&x).0, false, "busy after the fifth answer");
        settle!(sim, x);
        check!(sim, x, strobes(&x), NO_STROBE, "after the fifth answer");
        edge!(sim, x, 2);
        check!(sim, x, req(&x), IDLE_REQ, "later");
    }
);

block_test!(
    a_request_holds_until_mem_ready,
    FrameSequencer,
    sequencer(),
    60,
    |sim, x| {
        quiet(&mut x);
        x.reset.next = true;
        edge!(sim, x);
        quiet(&mut x);
        x.start_push.next = true;
        x.start_addr.next = PUSH_TOP.into();
        edge!(sim, x);
        quiet(&mut x);
        // Wait states before each answer; `mem_err` without `mem_ready`
        // in the waiting cycles must be ignored.
        for (i, waits) in [2u64, 0, 3, 1, 4].into_iter().enumerate() {
            let i = i as u64;
            for w in 0..waits {
                x.mem_ready.next = false;
                x.mem_err.next = w % 2 == 0;
                settle!(sim, x);
                check!(sim, x, req(&x), push_req(PUSH_AT, i), "word {i}, wait {w}");
                check!(sim, x, state(&x), (true, false, i), "word {i}, wait {w}");
                check!(sim, x, strobes(&x), NO_STROBE, "word {i}, wait {w}");
                edge!(sim, x);
            }
            x.mem_ready.next = true;
            x.mem_err.next = false;
            settle!(sim, x);
            check!(sim, x, req(&x), push_req(PUSH_AT, i), "word {i}, answered");
            check!(
                sim,
                x,
                strobes(&x),
                (true, i == 4, false),
                "word {i}, answered"
            );
            edge!(sim, x);
        }
        quiet(&mut x);
        check!(sim, x, req(&x), IDLE_REQ, "after the fifth answer");
        check!(sim, x, state(&x).0, false, "busy after the fifth answer");
        // The same with a pop.
        x.start_pop.next = true;
        x.start_addr.next = POP_AT.into();
        edge!(sim, x);
        quiet(&mut x);
        for (i, waits) in [1u64, 3, 0, 2, 1].into_iter().enumerate() {
            let i = i as u64;
            for w in 0..waits {
                x.mem_ready.next = false;
                x.mem_err.next = true;
                settle!(sim, x);
                check!(
                    sim,
                    x,
                    req(&x),
                    pop_req(POP_AT, i),
                    "pop word {i}, wait {w}"
                );
                check!(sim, x, state(&x), (true, true, i), "pop word {i}, wait {w}");
                check!(sim, x, strobes(&x), NO_STROBE, "pop word {i}, wait {w}");
                edge!(sim, x);
            }
            x.mem_ready.next = true;
            x.mem_err.next = false;
            settle!(sim, x);
            check!(
                sim,
                x,
                strobes(&x),
                (true, i == 4, false),
                "pop word {i}, answered"
            );
            edge!(sim, x);
        }
        quiet(&mut x);
        check!(sim, x, req(&x), IDLE_REQ, "after the pop");
    }
);

block_test!(
    pop_goes_upward_without_write_data,
    FrameSequencer,
    sequencer(),
    20,
    |sim, x| {
        quiet(&mut x);
        x.reset.next = true;
        edge!(sim, x);
        quiet(&mut x);
        x.mem_ready.next = true;
        x.start_pop.next = true;
        x.start_addr.next = POP_AT.into();
        edge!(sim, x);
        x.start_pop.next = false;
        for i in 0..5 {
            // The word inputs change under the pop: mem_wdata stays 0.
            x.word_rip.next = (!0u64 - i).into();
            x.word_data.next = (!0u64 - 2 * i).into();
            settle!(sim, x);
            check!(sim, x, req(&x), pop_req(POP_AT, i), "pop word {i}");
            check!(sim, x, state(&x), (true, true, i), "pop word {i}");
            check!(
                sim,
                x,
                x.frame_addr.val().to_u64(),
                POP_AT + 8 * i,
                "pop word {i}"
            );
            check!(sim, x, strobes(&x), (true, i == 4, false), "pop word {i}");
            edge!(sim, x);
        }
        quiet(&mut x);
        x.mem_ready.next = true;
        settle!(sim, x);
        check!(sim, x, req(&x), IDLE_REQ, "after the pop");
        check!(
            sim,
            x,
            (state(&x).0, state(&x).1),
            (false, false),
            "after the pop"
        );
        check!(sim, x, strobes(&x), NO_STROBE, "after the pop");
        edge!(sim, x);
    }
);

block_test!(
    a_bus_error_stops_the_transfer,
    FrameSequencer,
    sequencer(),
    60,
    |sim, x| {
        quiet(&mut x);
        x.reset.next = true;
        edge!(sim, x);
        // An error on word `bad` of a push, then of a pop.
        for (pop, bad) in [(false, 0u64), (false, 2), (false, 4), (true, 1), (true, 4)] {
            quiet(&mut x);
            x.start_push.next = !pop;
            x.start_pop.next = pop;
            x.start_addr.next = if pop { POP_AT } else { PUSH_TOP }.into();
            edge!(sim, x);
            quiet(&mut x);
            x.mem_ready.next = true;
            for i in 0..bad {
                settle!(sim, x);
                check!(
                    sim,
                    x,
                    strobes(&x),
                    (true, false, false),
                    "pop {pop}: word {i}"
                );
                edge!(sim, x);
            }
            x.mem_err.next = true;
            settle!(sim, x);
            let expect = if pop {
                pop_req(POP_AT, bad)
            } else {
                push_req(PUSH_AT, bad)
            };
            check!(sim, x, req(&x), expect, "pop {pop}: failing word {bad}");
            check!(
                sim,
                x,
                strobes(&x),
                (false, false, true),
                "pop {pop}: error on {bad}"
            );
            edge!(sim, x);
            // Stopped: idle at once, and nothing more on the bus.
            quiet(&mut x);
            x.mem_ready.next = true;
            settle!(sim, x);
            check!(
                sim,
                x,
                req(&x),
                IDLE_REQ,
                "pop {pop}: after the error on {bad}"
            );
            check!(
                sim,
                x,
                (state(&x).0, state(&x).1),
                (false, false),
                "pop {pop}: stopped"
            );
            check!(
                sim,
                x,
                strobes(&x),
                NO_STROBE,
                "pop {pop}: after the error on {bad}"
            );
            edge!(sim, x);
        }
    }
);

block_test!(
    a_start_at_a_bus_error_restarts,
    FrameSequencer,
    sequencer(),
    30,
    |sim, x| {
        const B: u64 = 0x0000_0000_00c0_0000;
        const C: u64 = 0x0000_0000_00d0_0000;
        const D: u64 = 0x0000_0000_00e0_0000;
        quiet(&mut x);
        x.reset.next = true;
        edge!(sim, x);
        quiet(&mut x);
        x.start_push.next = true;
        x.start_addr.next = PUSH_TOP.into();
        edge!(sim, x);
        quiet(&mut x);
        x.mem_ready.next = true;
        edge!(sim, x, 2);
        check!(
            sim,
            x,
            req(&x),
            push_req(PUSH_AT, 2),
            "word 2 of the first push"
        );
        // Word 2 answers with an error at the same edge as a new push at
        // B (how the entry unit starts a #DF frame).
        x.mem_err.next = true;
        x.start_push.next = true;
        x.start_addr.next = (B + 8).into();
        settle!(sim, x);
        check!(sim, x, strobes(&x), (false, false, true), "error at word 2");
        edge!(sim, x);
        quiet(&mut x);
        check!(sim, x, req(&x), push_req(B, 0), "restarted at B");
        check!(sim, x, state(&x), (true, false, 0), "restarted at B");
        // Again, at word 1 of that push, for a push at C.
        x.mem_ready.next = true;
        edge!(sim, x);
        check!(sim, x, req(&x), push_req(B, 1), "word 1 at B");
        x.mem_err.next = true;
        x.start_push.next = true;
        x.start_addr.next = (C + 8).into();
        settle!(sim, x);
        check!(sim, x, strobes(&x), (false, false, true), "error at B");
        edge!(sim, x);
        quiet(&mut x);
        check!(
            sim,
            x,
            req(&x),
            push_req(C, 0),
            "restarted at C after the error"
        );
        check!(sim, x, state(&x), (true, false, 0), "restarted at C");
        // An error with no start ends the transfer (a triple fault).
        x.mem_ready.next = true;
        x.mem_err.next = true;
        x.start_addr.next = B.into();
        settle!(sim, x);
        check!(sim, x, strobes(&x), (false, false, true), "error at C");
        edge!(sim, x);
        quiet(&mut x);
        check!(sim, x, req(&x), IDLE_REQ, "ended by the error at C");
        check!(
            sim,
            x,
            state(&x),
            (false, false, 0),
            "ended by the error at C"
        );
        // The next start begins at its own address.
        x.start_pop.next = true;
        x.start_addr.next = D.into();
        edge!(sim, x);
        quiet(&mut x);
        x.mem_ready.next = true;
        for i in 0..5 {
            check!(sim, x, req(&x), pop_req(D, i), "pop at D, word {i}");
            check!(sim, x, state(&x), (true, true, i), "pop at D, word {i}");
            settle!(sim, x);
            check!(
                sim,
                x,
                strobes(&x),
                (true, i == 4, false),
                "pop at D, word {i}"
            );
            edge!(sim, x);
        }
        check!(sim, x, req(&x), IDLE_REQ, "after the pop at D");
        check!(sim, x, state(&x).0, false, "after the pop at D");
    }
);

block_test!(
    outputs_are_zero_when_idle,
    FrameSequencer,
    sequencer(),
    20,
    |sim, x| {
        quiet(&mut x);
        x.reset.next = true;
        edge!(sim, x);
        // Every combination of mem_ready and mem_err while idle.
        for (ready, err) in [(false, false), (true, false), (false, true), (true, true)] {
            quiet(&mut x);
            x.mem_ready.next = ready;
            x.mem_err.next = err;
            settle!(sim, x);
            check!(sim, x, req(&x), IDLE_REQ, "idle, ready {ready} err {err}");
            check!(
                sim,
                x,
                state(&x),
                (false, false, 0),
                "idle, ready {ready} err {err}"
            );
            check!(
                sim,
                x,
                strobes(&x),
                NO_STROBE,
                "idle, ready {ready} err {err}"
            );
            edge!(sim, x);
        }
        // Reset in the middle of a transfer: idle at once.
        quiet(&mut x);
        x.start_push.next = true;
        x.start_addr.next = PUSH_TOP.into();
        edge!(sim, x);
        quiet(&mut x);
        x.mem_ready.next = true;
        edge!(sim, x, 2);
        check!(sim, x, state(&x), (true, false, 2), "word 2");
        x.reset.next = true;
        edge!(sim, x);
        quiet(&mut x);
        x.mem_ready.next = true;
        x.mem_err.next = true;
        settle!(sim, x);
        check!(sim, x, req(&x), IDLE_REQ, "after a reset during a push");
        check!(
            sim,
            x,
            state(&x),
            (false, false, 0),
            "after a reset during a push"
        );
        check!(
            sim,
            x,
            strobes(&x),
            NO_STROBE,
            "after a reset during a push"
        );
        edge!(sim, x);
    }
);

#[test]
fn synthesises() {
    common::synthesises(BLOCK, &sequencer());
}

/// The 32-bit block (docs/spec.md section 14.1): six 4-byte words,
/// EVENT_INFO's high word pushed before its low word.
type FrameSequencer32 = FrameSequencerOf<32>;

/// The six words of a 32-bit push, in the order they are written: return
/// RIP, kernel RSP, STATUS, EVENT_INFO bits 63:32, bits 31:0, EVENT_DATA.
const WORDS32: [u64; 6] = [
    0x8000_1234,
    0x0000_7f00,
    0x0000_0015,
    0x0001_0000,
    0x0000_0e03,
    0x0000_1000,
];

/// No start, no answer; the word inputs hold `WORDS32`.
fn quiet32(x: &mut FrameSequencer32) {
    x.reset.next = false;
    x.start_push.next = false;
    x.start_pop.next = false;
    x.start_addr.next = 0.into();
    x.word_rip.next = WORDS32[0].into();
    x.word_rsp.next = WORDS32[1].into();
    x.word_status.next = WORDS32[2].into();
    x.word_info_hi.next = WORDS32[3].into();
    x.word_info.next = WORDS32[4].into();
    x.word_data.next = WORDS32[5].into();
    x.mem_ready.next = false;
    x.mem_err.next = false;
}

fn req32(x: &FrameSequencer32) -> (bool, bool, u64, u64) {
    (
        x.mem_valid.val(),
        x.mem_we.val(),
        x.mem_addr.val().to_u64(),
        x.mem_wdata.val().to_u64(),
    )
}

block_test!(
    push_and_pop_six_words_with_xlen_32,
    FrameSequencer32,
    common::connected(FrameSequencer32::default()),
    30,
    |sim, x| {
        quiet32(&mut x);
        x.reset.next = true;
        edge!(sim, x);
        quiet32(&mut x);
        x.mem_ready.next = true;
        // A stack top of 8 bytes: the frame wraps below address 0, modulo 2^32.
        let top = 8u64;
        let at = |i: u64| top.wrapping_sub(4 * (i + 1)) & 0xffff_ffff;
        x.start_push.next = true;
        x.start_addr.next = top.into();
        edge!(sim, x);
        x.start_push.next = false;
        x.start_addr.next = 0.into();
        for i in 0..6 {
            settle!(sim, x);
            check!(
                sim,
                x,
                req32(&x),
                (true, true, at(i), WORDS32[i as usize]),
                "push word {i}"
            );
            check!(sim, x, x.word.val().to_u64(), i, "push word {i}");
            check!(sim, x, x.done.val(), i == 5, "push word {i}");
            edge!(sim, x);
        }
        check!(sim, x, x.busy.val(), false, "after the sixth answer");
        check!(sim, x, req32(&x), IDLE_REQ, "after the sixth answer");
        // Pop from the frame's lowest word, upward by 4.
        let base = at(5);
        x.start_pop.next = true;
        x.start_addr.next = base.into();
        edge!(sim, x);
        x.start_pop.next = false;
        x.start_addr.next = 0.into();
        for i in 0..6 {
            settle!(sim, x);
            let addr = base.wrapping_add(4 * i) & 0xffff_ffff;
            check!(sim, x, req32(&x), (true, false, addr, 0), "pop word {i}");
            check!(sim, x, x.done.val(), i == 5, "pop word {i}");
            edge!(sim, x);
        }
        check!(sim, x, x.busy.val(), false, "after the pop");
    }
);
