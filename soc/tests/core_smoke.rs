mod core_asm;
use core_asm::{reg::*, Asm};
use ptu_soc::run::{run, RunOptions};
use ptu_soc::soc::SocConfig;

#[test]
fn smoke() {
    let mut a = Asm::new();
    a.li(A0, 5).addi(A0, A0, 7).check(1, A0, 12).tohost(1, T0, T1);
    let l = a.label("end").pc(); let _ = l;
    a.j("end");
    let img = a.image();
    let out = run(&SocConfig::new(img), &RunOptions { max_cycles: 2000, trace: true, ..Default::default() }).unwrap();
    eprintln!("{:?}", out);
    assert_eq!(out.tohost, Some(1));
}
