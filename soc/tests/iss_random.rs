//! The random programs of `ptu_soc::random`: their encodings are what
//! llvm-mc makes of their listings, and they pass on the instruction-level
//! model with the trace shape the differential run relies on.

use ptu_soc::asm;
use ptu_soc::iss::{Config, End, Iss, Trace};
use ptu_soc::map::{vector, ToHost};
use ptu_soc::random::{self, generate};
use std::time::Instant;

/// Assemble one segment's listing and compare its words with ours.
fn check_listing(name: &str, words: &[(u32, String)]) {
    let mut text = String::from("    .globl _start\n_start:\n");
    for (_, line) in words {
        text.push_str("    ");
        text.push_str(line);
        text.push('\n');
    }
    let a = asm::assemble_text(name, &text).unwrap_or_else(|e| panic!("{e:#}"));
    let bin = std::fs::read(&a.bin).unwrap();
    assert_eq!(bin.len(), 4 * words.len(), "{name}");
    for (k, (w, line)) in words.iter().enumerate() {
        let theirs = u32::from_le_bytes(bin[4 * k..4 * k + 4].try_into().unwrap());
        assert_eq!(
            *w, theirs,
            "{name} word {k} `{line}`: ours {w:08x}, llvm-mc {theirs:08x}"
        );
    }
}

#[test]
fn the_encodings_are_llvm_mcs() {
    for seed in [1, 2, 3] {
        let rp = generate(seed, 600);
        check_listing(&format!("random-{seed}-user"), &rp.user);
        if seed == 1 {
            check_listing("random-kernel", &rp.kernel);
            check_listing("random-handler", &rp.handler);
        }
    }
}

#[test]
fn random_programs_pass_with_two_syscalls_and_erets_per_ecall() {
    let t = Instant::now();
    let mut retired = 0;
    let mut syscalls = 0;
    for seed in 0..100 {
        let rp = generate(seed, 400);
        let mut iss = Iss::new(&rp.program, Config::default());
        let out = iss.run();
        assert_eq!(
            out.end,
            End::ToHost(ToHost::Pass),
            "seed {seed}: {:?}",
            out.end
        );
        retired += out.retired;
        let count = |want: u64| {
            iss.trace
                .iter()
                .filter(|t| matches!(t, Trace::Event { info, .. } if *info == want))
                .count()
        };
        let (from_user, from_kernel) = (count(7 | 1 << 48), count(7));
        let erets = iss
            .trace
            .iter()
            .filter(|t| matches!(t, Trace::Eret { .. }))
            .count();
        let events = iss
            .trace
            .iter()
            .filter(|t| matches!(t, Trace::Event { .. }))
            .count();
        // Every ecall the user code reaches (a forward branch may skip
        // some) enters from user, then the handler's ecall enters from the
        // kernel (framed); each returns once. Plus the prelude's sret and
        // the final ebreak.
        assert!(from_user <= rp.syscalls, "seed {seed}");
        assert_eq!(from_kernel, from_user, "seed {seed}");
        assert_eq!(erets, 2 * from_user + 1, "seed {seed}");
        assert_eq!(events, 2 * from_user + 1, "seed {seed}");
        syscalls += from_user;
        let last_event = iss.trace.iter().rev().find_map(|t| match t {
            Trace::Event { info, pc, .. } => Some((*info, *pc)),
            _ => None,
        });
        let (info, pc) = last_event.unwrap();
        assert_eq!((info >> 8) & 0xff, vector::BP as u64, "seed {seed}");
        assert_eq!(
            pc,
            random::USER_CODE + 4 * (rp.user.len() as u64 - 1),
            "seed {seed}"
        );
        // Most items run (branches skip at most three).
        assert!(
            out.retired > 200,
            "seed {seed}: only {} retired",
            out.retired
        );
    }
    assert!(
        syscalls > 100,
        "only {syscalls} round trips in 100 programs"
    );
    eprintln!(
        "100 random programs, {retired} instructions retired, {syscalls} round trips, in {:.2} s",
        t.elapsed().as_secs_f64()
    );
}

#[test]
fn random_programs_write_tp_and_the_data_area() {
    let mut iss = Iss::new(&random::random_program(42, 2000), Config::default());
    assert_eq!(iss.run().end, End::ToHost(ToHost::Pass));
    let tp_writes = iss
        .trace
        .iter()
        .filter(|t| {
            matches!(
                t,
                Trace::Retire {
                    rd: Some((4, _)),
                    ..
                }
            )
        })
        .count();
    let stores = iss
        .trace
        .iter()
        .filter(|t| matches!(t, Trace::Retire { store: Some(s), .. } if (random::DATA..random::DATA + random::DATA_BYTES).contains(&s.addr)))
        .count();
    assert!(
        tp_writes > 10 && stores > 100,
        "{tp_writes} tp writes, {stores} stores"
    );
    // The user's tp writes went to UGS; the kernel's tp is the table's
    // plus one per SYSCALL from kernel mode.
    let o = iss.unit.outputs(&Default::default());
    assert_eq!(o.cpl, 0);
    let p = random::random_program(42, 2000);
    let table_tp = u64::from_le_bytes(
        p.image[(random::TABLE + 32) as usize..(random::TABLE + 40) as usize]
            .try_into()
            .unwrap(),
    );
    let kernel_syscalls = iss
        .trace
        .iter()
        .filter(|t| matches!(t, Trace::Event { info: 7, .. }))
        .count() as u64;
    assert!(kernel_syscalls > 10);
    assert_eq!(iss.unit.k_gs, table_tp.wrapping_add(kernel_syscalls));
    assert_ne!(iss.unit.u_gs, iss.unit.k_gs);
    // The last framed entry pushed its return RIP (after the handler's
    // ecall) as the top word below the kernel sp.
    let top = random::KERNEL_SP as usize;
    let rip = u64::from_le_bytes(iss.ram[top - 8..top].try_into().unwrap());
    assert_eq!(rip, random::HANDLER + 7 * 4);
}

#[test]
fn compare_traces_names_the_first_difference() {
    let run = |seed| {
        let mut iss = Iss::new(&random::random_program(seed, 300), Config::default());
        iss.run();
        iss.trace
    };
    let a = run(5);
    assert!(ptu_soc::iss::compare_traces(&a, &run(5)).is_ok());
    let mut b = a.clone();
    let k = b
        .iter()
        .position(|t| matches!(t, Trace::Retire { rd: Some(_), .. }))
        .unwrap()
        + 40;
    let k = k + b[k..]
        .iter()
        .position(|t| matches!(t, Trace::Retire { rd: Some(_), .. }))
        .unwrap();
    if let Trace::Retire {
        rd: Some((_, v)), ..
    } = &mut b[k]
    {
        *v ^= 1;
    }
    let e = ptu_soc::iss::compare_traces(&a, &b)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with(&format!("the traces differ at entry {k}:")),
        "{e}"
    );
    assert!(
        e.contains(&format!("model: {}", a[k])) && e.contains(&format!("other: {}", b[k])),
        "{e}"
    );
    // A trace cut short differs where it ends.
    let e = ptu_soc::iss::compare_traces(&a, &a[..10])
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("differ at entry 10") && e.contains("other: (trace ended)"),
        "{e}"
    );
}
