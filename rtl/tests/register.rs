//! Directed tests of the register primitives, `Reg` and `RegPair`, in
//! rust-hdl's `Simulation`: reset wins over a write, a write takes effect
//! at the edge, the value holds otherwise; a pair's per-copy enable
//! reaches only its copy, which takes the instruction's value unless its
//! select names the copy's own.
//! Each test writes `waveforms/register-<test>.vcd`.

#[macro_use]
mod common;

use ptu_rtl::primitives::{Reg, RegPair as RegPairOf};

/// The 64-bit pair.
type RegPair = RegPairOf<64>;
use rust_hdl::prelude::*;

const BLOCK: &str = "register";

type Reg8 = Reg<Bits<8>>;

block_test!(
    reg_resets_writes_and_holds,
    Reg8,
    common::connected(Reg8::new(0x5a.into())),
    20,
    |sim, x| {
        x.reset.next = true;
        x.we.next = true;
        x.wdata.next = 0x11.into();
        edge!(sim, x);
        check!(sim, x, x.q.val().to_u64(), 0x5a, "reset wins over we");
        x.reset.next = false;
        edge!(sim, x);
        check!(sim, x, x.q.val().to_u64(), 0x11, "written at the edge");
        x.we.next = false;
        x.wdata.next = 0x22.into();
        edge!(sim, x);
        settle!(sim, x);
        check!(sim, x, x.q.val().to_u64(), 0x11, "held without we");
    }
);

/// Drive every input of a pair low.
fn quiet(x: &mut RegPair) {
    x.reset.next = false;
    x.wdata.next = 0.into();
    x.kernel_we.next = false;
    x.kernel_wdata.next = 0.into();
    x.user_we.next = false;
    x.user_wdata.next = 0.into();
    x.kernel_sel.next = false;
    x.user_sel.next = false;
}

fn copies(x: &RegPair) -> (u64, u64) {
    (x.kernel_q.val().to_u64(), x.user_q.val().to_u64())
}

block_test!(
    pair_routes_writes_by_copy,
    RegPair,
    common::connected(RegPair::new(0x100, 0x200)),
    30,
    |sim, x| {
        quiet(&mut x);
        x.reset.next = true;
        x.kernel_we.next = true;
        x.user_we.next = true;
        x.wdata.next = 0x77.into();
        edge!(sim, x);
        check!(
            sim,
            x,
            copies(&x),
            (0x100, 0x200),
            "reset wins over the enables"
        );
        // `kernel_we` writes the kernel copy only, with `wdata` (the
        // instruction's value) while `kernel_sel` is clear.
        quiet(&mut x);
        x.kernel_we.next = true;
        x.wdata.next = 0x1.into();
        x.user_wdata.next = 0xe1.into();
        x.kernel_wdata.next = 0xe2.into();
        edge!(sim, x);
        check!(sim, x, copies(&x), (0x1, 0x200), "kernel write of wdata");
        // `user_we` writes the user copy only, likewise.
        quiet(&mut x);
        x.user_we.next = true;
        x.wdata.next = 0x2.into();
        x.user_wdata.next = 0xe3.into();
        x.kernel_wdata.next = 0xe4.into();
        edge!(sim, x);
        check!(sim, x, copies(&x), (0x1, 0x2), "user write of wdata");
        // Per-copy writes, both at one edge, each taking the value its
        // select names.
        quiet(&mut x);
        x.wdata.next = 0x3.into();
        x.user_we.next = true;
        x.user_wdata.next = 0x4.into();
        x.user_sel.next = true;
        x.kernel_we.next = true;
        x.kernel_wdata.next = 0x5.into();
        x.kernel_sel.next = true;
        edge!(sim, x);
        check!(sim, x, copies(&x), (0x5, 0x4), "per-copy writes");
        // Both copies at one edge with `wdata`; one select does not
        // reach the other copy.
        quiet(&mut x);
        x.wdata.next = 0x6.into();
        x.kernel_we.next = true;
        x.kernel_wdata.next = 0x7.into();
        x.user_we.next = true;
        x.user_wdata.next = 0x8.into();
        x.user_sel.next = true;
        edge!(sim, x);
        check!(
            sim,
            x,
            copies(&x),
            (0x6, 0x8),
            "kernel wdata, user own value"
        );
        // A select alone writes nothing.
        quiet(&mut x);
        x.kernel_sel.next = true;
        x.user_sel.next = true;
        x.kernel_wdata.next = 0x8.into();
        x.user_wdata.next = 0x9.into();
        x.wdata.next = 0xa.into();
        edge!(sim, x);
        check!(sim, x, copies(&x), (0x6, 0x8), "selects alone");
        quiet(&mut x);
        x.wdata.next = 0xb.into();
        edge!(sim, x);
        check!(sim, x, copies(&x), (0x6, 0x8), "held");
    }
);

#[test]
fn module_names_say_width_and_reset_value() {
    assert_eq!(Reg::<Bits<64>>::default().module_name(), "reg_w64");
    assert_eq!(Reg::new(false).module_name(), "reg_w1");
    assert_eq!(
        Reg::<Bits<64>>::new(0xffff_8000_0000_0000u64.into()).module_name(),
        "reg_w64_reset_ffff800000000000"
    );
    assert_eq!(RegPair::new(0, 0).module_name(), "reg_pair_w64");
    assert_eq!(
        RegPair::new(0x1000, 0).module_name(),
        "reg_pair_w64_kernel_reset_1000"
    );
}

#[test]
fn synthesises() {
    common::synthesises("register_pair", &common::connected(RegPair::new(0x1000, 0)));
}
