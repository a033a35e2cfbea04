//! Directed tests of `CsrFile` alone, in rust-hdl's `Simulation`.
//!
//! SPEC.md, "CSRs (kernel only)": nine CSRs; any access in user mode, a
//! write to EVENT_INFO or EVENT_DATA, or an unknown address is a #GP
//! (`csr_fault`) and takes no effect; STATUS writes change only `if`.
//! `csr_rdata` is the value before the edge with `csr_re`, and 0 without
//! it or when the access faults; spec-notes section 3 adds: 0 when the
//! unit is not looking at instruction inputs (`read_en` low). A write
//! takes effect when the entry unit says no event is taken in kernel mode
//! (`calm`, `quiet_kernel`); `csr_ok` is the kernel-mode verdict on the
//! access alone. ENTRY and ENTRY_CRIT share one multiplexer between the
//! read and `entry_point`: the address picks in a kernel read cycle,
//! `pick_crit` elsewhere.
//! Each test writes `waveforms/csr_file-<test>.vcd`.

#[macro_use]
mod common;

use ptu_arch::{csr, status};
use ptu_rtl::csr_file::CsrFile as CsrFileOf;

/// The 64-bit block.
type CsrFile = CsrFileOf<64>;
use rust_hdl::prelude::*;

const BLOCK: &str = "csr_file";

const ENTRY: u64 = 0xffff_ffff_8100_0000;
const ENTRY_CRIT: u64 = 0xffff_ffff_8100_8000;
const CSTACK: u64 = 0xffff_fe00_0000_0000;
const URIP: u64 = 0x0000_0000_0040_1000;
const URSP: u64 = 0x0000_7fff_ffff_e000;
const UGS: u64 = 0x0000_7f00_0000_6000;
const INFO: u64 = 0x0001_dead_beef_0e03;
const DATA: u64 = 0x0000_1234_5678_9000;
/// STATUS preloaded by the tests that need a non-zero one:
/// `if`, `nmi_blocked`, `critical`.
const STATUS: u64 = 0b10101;

fn file() -> CsrFile {
    common::connected(CsrFile::default())
}

/// Every input low, except the values of the other blocks' registers
/// (user copies, EVENT_INFO, EVENT_DATA), which are set to non-zero
/// constants, and `read_en`, `calm` and `quiet_kernel`, which are high
/// (idle kernel, no event).
fn quiet(x: &mut CsrFile) {
    x.reset.next = false;
    x.csr_re.next = false;
    x.csr_we.next = false;
    x.csr_addr.next = 0.into();
    x.csr_wdata.next = 0.into();
    set_user(x, false);
    x.calm.next = true;
    x.read_en.next = true;
    x.pick_crit.next = false;
    x.user_rip.next = URIP.into();
    x.user_rsp.next = URSP.into();
    x.user_gs.next = UGS.into();
    x.event_info.next = INFO.into();
    // With XLEN = 64 there is no EVENT_INFO_H: this value is never read.
    x.event_info_hi.next = 0x5a5a_a5a5_5a5a_a5a5.into();
    x.event_data.next = DATA.into();
    x.status_load.next = false;
    x.load_if.next = false;
    x.load_framed.next = false;
    x.load_nmi_blocked.next = false;
    x.load_prev_user.next = false;
    x.load_critical.next = false;
}

/// Present `status_load` with the five bits of `bits`.
fn load_status(x: &mut CsrFile, bits: u64) {
    x.status_load.next = true;
    x.load_if.next = (bits >> status::IF) & 1 == 1;
    x.load_framed.next = (bits >> status::FRAMED) & 1 == 1;
    x.load_nmi_blocked.next = (bits >> status::NMI_BLOCKED) & 1 == 1;
    x.load_prev_user.next = (bits >> status::PREV_USER) & 1 == 1;
    x.load_critical.next = (bits >> status::CRITICAL) & 1 == 1;
}

/// Present a CSR access.
fn access(x: &mut CsrFile, re: bool, we: bool, addr: u8, wdata: u64) {
    x.csr_re.next = re;
    x.csr_we.next = we;
    x.csr_addr.next = (addr as u64).into();
    x.csr_wdata.next = wdata.into();
}

/// The level, as the entry unit's terms see it too: `quiet_kernel` is
/// low in user mode.
fn set_user(x: &mut CsrFile, user: bool) {
    x.user.next = user;
    x.quiet_kernel.next = !user;
}

/// The registers of the file: (ENTRY, ENTRY_CRIT, CSTACK, STATUS word).
/// ENTRY and ENTRY_CRIT are seen through `entry_point`, outside a read
/// cycle (`read_en` low) with `pick_crit` low, then high; the inputs are
/// put back after (3 ps in all, within half a clock period).
macro_rules! regs {
    ($sim:ident, $x:ident) => {{
        let (read_en, pick_crit) = ($x.read_en.val(), $x.pick_crit.val());
        $x.read_en.next = false;
        $x.pick_crit.next = false;
        $x = $sim.wait(1, $x)?;
        let entry = $x.entry_point.val().to_u64();
        $x.pick_crit.next = true;
        $x = $sim.wait(1, $x)?;
        let entry_crit = $x.entry_point.val().to_u64();
        $x.read_en.next = read_en;
        $x.pick_crit.next = pick_crit;
        $x = $sim.wait(1, $x)?;
        (
            entry,
            entry_crit,
            $x.cstack.val().to_u64(),
            $x.status.val().to_u64(),
        )
    }};
}

/// STATUS from its five bit outputs, to compare with the word.
fn status_bits(x: &CsrFile) -> u64 {
    (x.status_if.val() as u64) << status::IF
        | (x.status_framed.val() as u64) << status::FRAMED
        | (x.status_nmi_blocked.val() as u64) << status::NMI_BLOCKED
        | (x.status_prev_user.val() as u64) << status::PREV_USER
        | (x.status_critical.val() as u64) << status::CRITICAL
}

/// The three user-copy write strobes.
fn strobes(x: &CsrFile) -> (bool, bool, bool) {
    (x.urip_we.val(), x.ursp_we.val(), x.ugs_we.val())
}

/// The value a kernel read of `addr` returns, with the registers preloaded
/// by `preload!`; `None` for an unknown address.
fn expected_read(addr: u8, status_word: u64) -> Option<u64> {
    match addr {
        csr::ENTRY => Some(ENTRY),
        csr::ENTRY_CRIT => Some(ENTRY_CRIT),
        csr::CSTACK => Some(CSTACK),
        csr::STATUS => Some(status_word),
        csr::EVENT_INFO => Some(INFO),
        csr::EVENT_DATA => Some(DATA),
        csr::URIP => Some(URIP),
        csr::URSP => Some(URSP),
        csr::UGS => Some(UGS),
        _ => None,
    }
}

/// Reset, then write ENTRY, ENTRY_CRIT and CSTACK and load STATUS.
macro_rules! preload {
    ($sim:ident, $x:ident) => {
        quiet(&mut $x);
        $x.reset.next = true;
        edge!($sim, $x);
        for (a, v) in [
            (csr::ENTRY, ENTRY),
            (csr::ENTRY_CRIT, ENTRY_CRIT),
            (csr::CSTACK, CSTACK),
        ] {
            quiet(&mut $x);
            access(&mut $x, false, true, a, v);
            edge!($sim, $x);
        }
        quiet(&mut $x);
        load_status(&mut $x, STATUS);
        edge!($sim, $x);
        quiet(&mut $x);
        check!(
            $sim,
            $x,
            regs!($sim, $x),
            (ENTRY, ENTRY_CRIT, CSTACK, STATUS),
            "preloaded"
        );
    };
}

block_test!(reset_values, CsrFile, file(), 20, |sim, x| {
    preload!(sim, x);
    check!(sim, x, status_bits(&x), STATUS, "status bits");
    // Reset wins over a write and a status load presented with it.
    access(&mut x, false, true, csr::ENTRY, 0x77);
    load_status(&mut x, 0x1f);
    x.reset.next = true;
    edge!(sim, x);
    check!(sim, x, regs!(sim, x), (0, 0, 0, 0), "after reset");
    check!(sim, x, status_bits(&x), 0, "status bits after reset");
    quiet(&mut x);
    edge!(sim, x);
    check!(sim, x, regs!(sim, x), (0, 0, 0, 0), "held");
});

block_test!(
    user_mode_accesses_fault_and_change_nothing,
    CsrFile,
    file(),
    50,
    |sim, x| {
        preload!(sim, x);
        quiet(&mut x);
        set_user(&mut x, true);
        settle!(sim, x);
        check!(sim, x, x.csr_fault.val(), false, "no access, no fault");
        for &csr::Csr { addr: a, name, .. } in csr::TABLE {
            for (re, we) in [(true, false), (false, true), (true, true)] {
                quiet(&mut x);
                set_user(&mut x, true);
                access(&mut x, re, we, a, !0);
                settle!(sim, x);
                check!(
                    sim,
                    x,
                    x.csr_fault.val(),
                    true,
                    "user {name} re {re} we {we}"
                );
                check!(sim, x, x.csr_rdata.val().to_u64(), 0, "user {name} rdata");
                check!(
                    sim,
                    x,
                    strobes(&x),
                    (false, false, false),
                    "user {name} strobes"
                );
                edge!(sim, x);
                check!(
                    sim,
                    x,
                    regs!(sim, x),
                    (ENTRY, ENTRY_CRIT, CSTACK, STATUS),
                    "user {name} re {re} we {we} changed a register"
                );
            }
        }
    }
);

block_test!(
    decode_of_all_256_addresses,
    CsrFile,
    file(),
    200,
    |sim, x| {
        preload!(sim, x);
        // Nothing is written during the sweep: the registers do not move
        // when it crosses an edge. Each address is settled 1 ps apart.
        x.calm.next = false;
        settle!(sim, x);
        check!(sim, x, x.csr_ok.val(), true, "no access: csr_ok");
        let mut known = vec![];
        for user in [false, true] {
            for (re, we) in [(true, false), (false, true), (true, true)] {
                for a in 0..=255u8 {
                    set_user(&mut x, user);
                    access(&mut x, re, we, a, !0);
                    x = sim.wait(1, x)?;
                    let exists = expected_read(a, STATUS).is_some();
                    let fault = user || !exists || (we && csr::read_only(a));
                    let rdata = match expected_read(a, STATUS) {
                        Some(v) if re && !fault => v,
                        _ => 0,
                    };
                    let ctx = format!("user {user} re {re} we {we} addr {a:#04x}");
                    check!(sim, x, x.csr_fault.val(), fault, "{ctx}: csr_fault");
                    // The kernel-mode verdict, whatever the level.
                    let ok = exists && !(we && csr::read_only(a));
                    check!(sim, x, x.csr_ok.val(), ok, "{ctx}: csr_ok");
                    check!(
                        sim,
                        x,
                        x.csr_rdata.val().to_u64(),
                        rdata,
                        "{ctx}: csr_rdata"
                    );
                    check!(sim, x, strobes(&x), (false, false, false), "{ctx}: strobes");
                    if !user && re && !we && !x.csr_fault.val() {
                        known.push(a);
                    }
                }
            }
        }
        let all: Vec<u8> = csr::TABLE.iter().map(|c| c.addr).collect();
        check!(
            sim,
            x,
            known,
            all,
            "the addresses a kernel read does not fault on"
        );
        check!(
            sim,
            x,
            regs!(sim, x),
            (ENTRY, ENTRY_CRIT, CSTACK, STATUS),
            "after the sweep"
        );
    }
);

block_test!(
    event_info_and_event_data_are_read_only,
    CsrFile,
    file(),
    40,
    |sim, x| {
        preload!(sim, x);
        for (a, v) in [(csr::EVENT_INFO, INFO), (csr::EVENT_DATA, DATA)] {
            // Reads are fine and show the entry unit's register.
            quiet(&mut x);
            access(&mut x, true, false, a, 0);
            settle!(sim, x);
            check!(sim, x, x.csr_fault.val(), false, "read {a:#x}");
            check!(sim, x, x.csr_rdata.val().to_u64(), v, "read {a:#x}");
            x.event_info.next = 0x0002_0000_0000_0d03.into();
            x.event_data.next = 0x4242.into();
            let v2 = if a == csr::EVENT_INFO {
                0x0002_0000_0000_0d03
            } else {
                0x4242
            };
            x = sim.wait(1, x)?;
            check!(
                sim,
                x,
                x.csr_rdata.val().to_u64(),
                v2,
                "read {a:#x} follows its input"
            );
            edge!(sim, x);
            // Writes fault, with or without a read, and change nothing.
            for re in [false, true] {
                quiet(&mut x);
                access(&mut x, re, true, a, !0);
                settle!(sim, x);
                check!(sim, x, x.csr_fault.val(), true, "write {a:#x} re {re}");
                check!(
                    sim,
                    x,
                    x.csr_rdata.val().to_u64(),
                    0,
                    "write {a:#x} re {re}"
                );
                check!(sim, x, strobes(&x), (false, false, false), "write {a:#x}");
                edge!(sim, x);
                check!(
                    sim,
                    x,
                    regs!(sim, x),
                    (ENTRY, ENTRY_CRIT, CSTACK, STATUS),
                    "write {a:#x} re {re}"
                );
            }
        }
    }
);

block_test!(
    rdata_is_zero_without_csr_re_on_fault_or_without_read_en,
    CsrFile,
    file(),
    40,
    |sim, x| {
        preload!(sim, x);
        for a in csr::TABLE.iter().map(|c| c.addr) {
            let v = expected_read(a, STATUS).unwrap_or(0);
            quiet(&mut x);
            x.calm.next = false;
            access(&mut x, true, false, a, 0);
            settle!(sim, x);
            check!(sim, x, x.csr_rdata.val().to_u64(), v, "read {a:#x}");
            // The address alone, without csr_re.
            x.csr_re.next = false;
            x = sim.wait(1, x)?;
            check!(
                sim,
                x,
                x.csr_rdata.val().to_u64(),
                0,
                "{a:#x} without csr_re"
            );
            // csr_re while the unit does not look at instruction inputs.
            x.csr_re.next = true;
            x.read_en.next = false;
            x = sim.wait(1, x)?;
            check!(
                sim,
                x,
                x.csr_rdata.val().to_u64(),
                0,
                "{a:#x} without read_en"
            );
            // csr_re in user mode (a #GP).
            x.read_en.next = true;
            set_user(&mut x, true);
            x = sim.wait(1, x)?;
            check!(sim, x, x.csr_rdata.val().to_u64(), 0, "{a:#x} in user mode");
            // Back to a plain read: the value again.
            set_user(&mut x, false);
            x = sim.wait(1, x)?;
            check!(sim, x, x.csr_rdata.val().to_u64(), v, "read {a:#x} again");
            edge!(sim, x);
        }
        // A faulting read at an unknown address next to known ones.
        for a in [0x06u8, 0x0f, 0x13, 0x80, 0xff] {
            quiet(&mut x);
            access(&mut x, true, false, a, 0);
            settle!(sim, x);
            check!(sim, x, x.csr_fault.val(), true, "read {a:#x}");
            check!(sim, x, x.csr_rdata.val().to_u64(), 0, "read {a:#x}");
            edge!(sim, x);
        }
    }
);

block_test!(
    read_and_write_in_one_cycle_read_the_old_value,
    CsrFile,
    file(),
    40,
    |sim, x| {
        preload!(sim, x);
        // The file's own registers: old value before the edge, new after.
        for (a, old, new) in [
            (csr::ENTRY, ENTRY, 0x1111_0000u64),
            (csr::ENTRY_CRIT, ENTRY_CRIT, 0x2222_0000),
            (csr::CSTACK, CSTACK, 0x3333_0000),
            (csr::STATUS, STATUS, STATUS & !1),
        ] {
            quiet(&mut x);
            access(&mut x, true, true, a, new);
            settle!(sim, x);
            check!(sim, x, x.csr_fault.val(), false, "read+write {a:#x}");
            check!(
                sim,
                x,
                x.csr_rdata.val().to_u64(),
                old,
                "read+write {a:#x}: old value"
            );
            edge!(sim, x);
            // Same inputs, one cycle later: the write has landed.
            settle!(sim, x);
            check!(
                sim,
                x,
                x.csr_rdata.val().to_u64(),
                new,
                "{a:#x} after the write"
            );
            edge!(sim, x);
        }
        check!(
            sim,
            x,
            regs!(sim, x),
            (0x1111_0000, 0x2222_0000, 0x3333_0000, STATUS & !1),
            "written"
        );
        // The user copies live in the rename bank: the read shows its
        // (old) value and the write strobe for the bank is up.
        for (a, old, strobe) in [
            (csr::URIP, URIP, (true, false, false)),
            (csr::URSP, URSP, (false, true, false)),
            (csr::UGS, UGS, (false, false, true)),
        ] {
            quiet(&mut x);
            access(&mut x, true, true, a, 0x5555);
            settle!(sim, x);
            check!(
                sim,
                x,
                x.csr_rdata.val().to_u64(),
                old,
                "read+write {a:#x}: old value"
            );
            check!(sim, x, strobes(&x), strobe, "read+write {a:#x}: strobe");
            edge!(sim, x);
        }
    }
);

block_test!(
    status_write_changes_only_if,
    CsrFile,
    file(),
    30,
    |sim, x| {
        quiet(&mut x);
        x.reset.next = true;
        edge!(sim, x);
        // framed, nmi_blocked, prev_user, critical set; if clear.
        quiet(&mut x);
        load_status(&mut x, 0x1e);
        edge!(sim, x);
        check!(sim, x, x.status.val().to_u64(), 0x1e, "loaded");
        for (wdata, expect) in [
            (!0u64, 0x1f),
            (!1u64, 0x1e),
            (1u64, 0x1f),
            (0u64, 0x1e),
            (0xffff_ffff_ffff_ffe1, 0x1f),
            (0x1e, 0x1e),
        ] {
            quiet(&mut x);
            access(&mut x, false, true, csr::STATUS, wdata);
            edge!(sim, x);
            check!(
                sim,
                x,
                x.status.val().to_u64(),
                expect,
                "STATUS write {wdata:#x}"
            );
            check!(
                sim,
                x,
                status_bits(&x),
                expect,
                "STATUS bits after {wdata:#x}"
            );
        }
        // From all clear, a write of all ones sets only `if`.
        quiet(&mut x);
        load_status(&mut x, 0);
        edge!(sim, x);
        quiet(&mut x);
        access(&mut x, true, true, csr::STATUS, !0);
        settle!(sim, x);
        check!(
            sim,
            x,
            x.csr_rdata.val().to_u64(),
            0,
            "STATUS read, all clear"
        );
        edge!(sim, x);
        check!(
            sim,
            x,
            x.status.val().to_u64(),
            1,
            "STATUS after writing all ones"
        );
        settle!(sim, x);
        check!(sim, x, x.csr_rdata.val().to_u64(), 1, "STATUS read back");
        edge!(sim, x);
    }
);

block_test!(
    status_load_replaces_all_five_bits,
    CsrFile,
    file(),
    50,
    |sim, x| {
        quiet(&mut x);
        x.reset.next = true;
        edge!(sim, x);
        // Every pattern, in an order where each bit both rises and falls.
        let mut previous = 0;
        for n in 0..32u64 {
            let bits = (n * 13 + 7) % 32;
            quiet(&mut x);
            load_status(&mut x, bits);
            settle!(sim, x);
            check!(
                sim,
                x,
                x.status.val().to_u64(),
                previous,
                "before loading {bits:#x}"
            );
            edge!(sim, x);
            check!(
                sim,
                x,
                x.status.val().to_u64(),
                bits,
                "status_load {bits:#x}"
            );
            check!(sim, x, status_bits(&x), bits, "status bits {bits:#x}");
            previous = bits;
        }
        // load_* without status_load does nothing.
        quiet(&mut x);
        load_status(&mut x, !previous & 0x1f);
        x.status_load.next = false;
        edge!(sim, x);
        check!(
            sim,
            x,
            x.status.val().to_u64(),
            previous,
            "load_* without status_load"
        );
    }
);

block_test!(
    writes_take_effect_only_when_calm_in_quiet_kernel_mode,
    CsrFile,
    file(),
    60,
    |sim, x| {
        preload!(sim, x);
        let writable = [
            csr::ENTRY,
            csr::ENTRY_CRIT,
            csr::CSTACK,
            csr::STATUS,
            csr::URIP,
            csr::URSP,
            csr::UGS,
        ];
        let mut expect = (ENTRY, ENTRY_CRIT, CSTACK, STATUS);
        for a in writable {
            let v = 0xabcd_0000 + a as u64 * 2;
            let strobe = (a == csr::URIP, a == csr::URSP, a == csr::UGS);
            // Without `calm` (busy, shut down, or a critical event ready),
            // or without `quiet_kernel` (an interrupt taken in kernel
            // mode): nothing, an event wins this edge.
            for (calm, quiet_kernel) in [(false, true), (true, false), (false, false)] {
                quiet(&mut x);
                x.calm.next = calm;
                x.quiet_kernel.next = quiet_kernel;
                access(&mut x, false, true, a, v);
                settle!(sim, x);
                let ctx = format!("write {a:#x}, calm {calm}, quiet_kernel {quiet_kernel}");
                check!(sim, x, x.csr_fault.val(), false, "{ctx}");
                check!(sim, x, x.csr_ok.val(), true, "{ctx}: csr_ok");
                check!(sim, x, strobes(&x), (false, false, false), "{ctx}");
                edge!(sim, x);
                check!(sim, x, regs!(sim, x), expect, "{ctx}");
            }
            // A read with both writes nothing either.
            quiet(&mut x);
            access(&mut x, true, false, a, v);
            settle!(sim, x);
            check!(
                sim,
                x,
                strobes(&x),
                (false, false, false),
                "read {a:#x}, calm"
            );
            edge!(sim, x);
            check!(sim, x, regs!(sim, x), expect, "read {a:#x}, calm");
            // With both: the write.
            quiet(&mut x);
            access(&mut x, false, true, a, v);
            settle!(sim, x);
            check!(sim, x, strobes(&x), strobe, "write {a:#x}, calm");
            edge!(sim, x);
            match a {
                csr::ENTRY => expect.0 = v,
                csr::ENTRY_CRIT => expect.1 = v,
                csr::CSTACK => expect.2 = v,
                csr::STATUS => expect.3 = (STATUS & !1) | (v & 1),
                _ => {}
            }
            check!(sim, x, regs!(sim, x), expect, "write {a:#x}, calm");
        }
    }
);

block_test!(
    entry_point_shares_the_entry_read_multiplexer,
    CsrFile,
    file(),
    300,
    |sim, x| {
        preload!(sim, x);
        // In a kernel read cycle (`read_en`, kernel mode) the address
        // picks ENTRY or ENTRY_CRIT (its bit 0), for the read and the
        // entry point alike; elsewhere (a transfer, shut down, user mode)
        // `pick_crit` does. Every address, read or not, and both levels
        // of `pick_crit`, 1 ps apart: nothing is written.
        x.calm.next = false;
        for user in [false, true] {
            for read_en in [false, true] {
                for pick_crit in [false, true] {
                    for a in 0..=255u8 {
                        set_user(&mut x, user);
                        x.read_en.next = read_en;
                        x.pick_crit.next = pick_crit;
                        access(&mut x, a % 3 == 0, false, a, 0);
                        x = sim.wait(1, x)?;
                        let crit = if read_en && !user {
                            a & 1 == 1
                        } else {
                            pick_crit
                        };
                        let point = if crit { ENTRY_CRIT } else { ENTRY };
                        let ctx = format!(
                            "user {user} read_en {read_en} pick_crit {pick_crit} addr {a:#04x}"
                        );
                        check!(
                            sim,
                            x,
                            x.entry_point.val().to_u64(),
                            point,
                            "{ctx}: entry_point"
                        );
                    }
                }
            }
        }
        // A read of ENTRY or ENTRY_CRIT whatever `pick_crit` says.
        for (a, v) in [(csr::ENTRY, ENTRY), (csr::ENTRY_CRIT, ENTRY_CRIT)] {
            for pick_crit in [false, true] {
                quiet(&mut x);
                x.pick_crit.next = pick_crit;
                access(&mut x, true, false, a, 0);
                settle!(sim, x);
                check!(
                    sim,
                    x,
                    x.csr_rdata.val().to_u64(),
                    v,
                    "read {a:#x}, pick_crit {pick_crit}"
                );
                edge!(sim, x);
            }
        }
        check!(
            sim,
            x,
            regs!(sim, x),
            (ENTRY, ENTRY_CRIT, CSTACK, STATUS),
            "after the sweep"
        );
    }
);

#[test]
fn synthesises() {
    common::synthesises(BLOCK, &file());
}

/// The 32-bit block (docs/spec.md section 14.1), for configuration
/// ice40-small-32.
type CsrFile32 = CsrFileOf<32>;

fn small() -> ptu_arch::PtuConfig {
    ptu_arch::config::preset("ice40-small-32").unwrap().config()
}

/// EVENT_INFO of the 32-bit tests, as its two words.
const INFO_LO: u64 = 0xbeef_0e03;
const INFO_HI: u64 = 0x0003_dead;

/// The value a kernel read of `addr` returns in the 32-bit block after
/// reset (registers 0), or `None` for an address its table lacks.
fn expected_read32(addr: u8) -> Option<u64> {
    match addr {
        csr::ENTRY | csr::ENTRY_CRIT | csr::CSTACK | csr::STATUS => Some(0),
        csr::EVENT_INFO => Some(INFO_LO),
        ptu_arch::config::EVENT_INFO_H => Some(INFO_HI),
        csr::EVENT_DATA => Some(0x1000),
        csr::URIP => Some(0x40_1000),
        csr::URSP => Some(0x7fff_e000),
        csr::UGS => Some(0x6000),
        _ => None,
    }
}

block_test!(
    decode_of_all_256_addresses_with_xlen_32,
    CsrFile32,
    common::connected(CsrFile32::new(&small())),
    120,
    |sim, x| {
        x.reset.next = true;
        x.calm.next = false;
        x.quiet_kernel.next = true;
        x.read_en.next = true;
        x.user_rip.next = 0x40_1000.into();
        x.user_rsp.next = 0x7fff_e000.into();
        x.user_gs.next = 0x6000.into();
        x.event_info.next = INFO_LO.into();
        x.event_info_hi.next = INFO_HI.into();
        x.event_data.next = 0x1000.into();
        edge!(sim, x);
        x.reset.next = false;
        let cfg = small();
        let mut known = vec![];
        for (re, we) in [(true, false), (false, true), (true, true)] {
            for a in 0..=255u8 {
                x.csr_re.next = re;
                x.csr_we.next = we;
                x.csr_addr.next = (a as u64).into();
                x.csr_wdata.next = 0xffff_ffff.into();
                x = sim.wait(1, x)?;
                let value = expected_read32(a);
                // EVENT_INFO, EVENT_INFO_H and EVENT_DATA are read-only.
                let read_only = [
                    csr::EVENT_INFO,
                    ptu_arch::config::EVENT_INFO_H,
                    csr::EVENT_DATA,
                ]
                .contains(&a);
                let fault = value.is_none() || (we && read_only);
                assert_eq!(
                    fault,
                    cfg.csr_faults(a, we),
                    "the table and this test disagree"
                );
                let rdata = match value {
                    Some(v) if re && !fault => v,
                    _ => 0,
                };
                let ctx = format!("re {re} we {we} addr {a:#04x}");
                check!(sim, x, x.csr_fault.val(), fault, "{ctx}: csr_fault");
                check!(
                    sim,
                    x,
                    x.csr_rdata.val().to_u64(),
                    rdata,
                    "{ctx}: csr_rdata"
                );
                if re && !we && !fault {
                    known.push(a);
                }
            }
        }
        let all: Vec<u8> = cfg.csrs().iter().map(|c| c.addr).collect();
        check!(sim, x, known.contains(&0x06), true, "EVENT_INFO_H is there");
        check!(
            sim,
            x,
            known,
            all,
            "the addresses a kernel read does not fault on"
        );
    }
);
