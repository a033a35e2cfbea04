//! Directed tests of the register primitives, `Reg` and `RegPair`, in
//! rust-hdl's `Simulation`: reset wins over a write, a write takes effect
//! at the edge, the value holds otherwise; a pair's level write reaches
//! only the current level's copy, and its per-copy writes win.
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
    x.user.next = false;
    x.we.next = false;
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
    pair_routes_writes_by_level,
    RegPair,
    common::connected(RegPair::new(0x100, 0x200)),
    30,
    |sim, x| {
        quiet(&mut x);
        x.reset.next = true;
        edge!(sim, x);
        check!(sim, x, copies(&x), (0x100, 0x200), "reset values");
        // Kernel level: `we` writes the kernel copy only.
        quiet(&mut x);
        x.we.next = true;
        x.wdata.next = 0x1.into();
        edge!(sim, x);
        check!(sim, x, copies(&x), (0x1, 0x200), "kernel-level write");
        // User level: `we` writes the user copy only.
        x.user.next = true;
        x.wdata.next = 0x2.into();
        edge!(sim, x);
        check!(sim, x, copies(&x), (0x1, 0x2), "user-level write");
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
        // A per-copy write whose select is clear takes `wdata`.
        quiet(&mut x);
        x.wdata.next = 0x6.into();
        x.kernel_we.next = true;
        x.kernel_wdata.next = 0x7.into();
        edge!(sim, x);
        check!(sim, x, copies(&x), (0x6, 0x4), "kernel write of wdata");
        // A select alone writes nothing.
        quiet(&mut x);
        x.kernel_sel.next = true;
        x.user_sel.next = true;
        x.kernel_wdata.next = 0x8.into();
        x.user_wdata.next = 0x9.into();
        edge!(sim, x);
        check!(sim, x, copies(&x), (0x6, 0x4), "selects alone");
        quiet(&mut x);
        edge!(sim, x);
        check!(sim, x, copies(&x), (0x6, 0x4), "held");
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
