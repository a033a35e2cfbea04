//! The generated options (docs/spec.md §14.3 `irq_entry`, §14.4 `fs_bank`)
//! on the rust-hdl design: for each option preset a seeded random run of
//! the RTL in lockstep with the reference model `Model::new(&cfg)` (every
//! output in every cycle, the option's CSRs and `fs_we` driven by the
//! random core), the option scenarios (`testbenches/scenarios/options/`),
//! and one deliberate error per option in the RTL (`ptu_rtl::Mutant`)
//! that the same random run finds.

use ptu_arch::{event_info, event_type, Inputs, PtuConfig};
use ptu_rtl::Mutant;
use ptu_sim::bus::{Memory, Wait};
use ptu_sim::model::{Model, Seq};
use ptu_sim::rtl::RtlSim;
use ptu_sim::scenario;
use ptu_sim::stimulus::{RandomCore, RandomCoreConfig};
use std::path::PathBuf;

const OPTION_PRESETS: [&str; 3] = ["x86_64-irq-entry", "x86_64-fs-bank", "x86_64-full"];

fn preset(name: &str) -> PtuConfig {
    ptu_arch::config::preset(name).unwrap().config()
}

/// What a run saw of the options.
#[derive(Debug, Default)]
struct Seen {
    cycles: u64,
    /// Interrupt entries that completed at ENTRY_IRQ while ENTRY_IRQ and
    /// ENTRY differed (unframed, from user; framed, from kernel).
    irq_entries_user: u64,
    irq_entries_kernel: u64,
    /// Cycles in user mode where the two FS copies differed.
    fs_user_cycles_banked: u64,
    /// Cycles in kernel mode where the two FS copies differed.
    fs_kernel_cycles_banked: u64,
}

/// `cycles` cycles of the RTL (with `mutant`) and the model for `cfg`,
/// driven by the random core for `cfg` over a bus with wait states and
/// errors. `Err` names the first differing cycle and ports.
fn lockstep(
    cfg: &PtuConfig,
    mutant: Option<Mutant>,
    seed: u64,
    cycles: u64,
) -> Result<Seen, String> {
    let rc = RandomCoreConfig {
        reset_prob: 2e-5,
        shutdown_reset_prob: 0.05,
        ..RandomCoreConfig::default()
    };
    let mut core = RandomCore::for_unit(seed, rc, cfg);
    let mut mem = Memory::new(seed ^ 0x0b7);
    mem.wait = Wait::Random { max: 2 };
    mem.error_prob = 0.002;
    let mut rtl = RtlSim::with_mutant(cfg, mutant).map_err(|e| format!("{e:#}"))?;
    let mut model = Model::new(cfg);
    let mut seen = Seen::default();
    for cycle in 0..cycles {
        let state = model.outputs(&Inputs::default());
        let mut inp = core.next(&state);
        let (ready, rdata, err) = mem.respond(&state);
        inp.mem_ready = ready;
        inp.mem_rdata = rdata;
        inp.mem_err = err;
        rtl.apply(&inp).map_err(|e| format!("{e:#}"))?;
        let got = rtl.outputs();
        let want = model.outputs(&inp);
        if got != want {
            return Err(format!(
                "cycle {cycle}: {} (inputs {inp:?})",
                got.describe_diff(&want)
            ));
        }
        rtl.tick().map_err(|e| format!("{e:#}"))?;
        let before = model.clone();
        model.step(&inp);
        mem.clock(&state, ready, err);
        seen.cycles += 1;
        // An interrupt's entry completed at this edge at ENTRY_IRQ, which
        // differs from ENTRY.
        let info = model.event_info;
        let ty = (info >> event_info::TYPE_LSB) & event_info::TYPE_MASK;
        if model.redirect
            && !model.user
            && !inp.reset
            && ty == event_type::EXTERNAL_INTERRUPT as u64
            && ((before.user && !before.busy()) || matches!(before.seq, Seq::Push(_)))
            && model.k_rip == model.entry_irq
            && model.entry_irq != model.entry
        {
            if before.user {
                seen.irq_entries_user += 1;
            } else {
                seen.irq_entries_kernel += 1;
            }
        }
        if model.k_fs != model.u_fs {
            if model.user {
                seen.fs_user_cycles_banked += 1;
            } else {
                seen.fs_kernel_cycles_banked += 1;
            }
        }
    }
    Ok(seen)
}

#[test]
fn option_presets_match_the_model_for_100_000_cycles() {
    for (i, name) in OPTION_PRESETS.iter().enumerate() {
        let cfg = preset(name);
        let seen = lockstep(&cfg, None, 11 + i as u64, 100_000)
            .unwrap_or_else(|e| panic!("{name}: the RTL differs from the model at {e}"));
        eprintln!("{name}: {seen:?}");
        assert_eq!(seen.cycles, 100_000);
        // The run reached what the options change.
        if cfg.irq_entry {
            assert!(seen.irq_entries_user > 10, "{name}: {seen:?}");
            assert!(seen.irq_entries_kernel > 10, "{name}: {seen:?}");
        }
        if cfg.fs_bank {
            assert!(seen.fs_user_cycles_banked > 1000, "{name}: {seen:?}");
            assert!(seen.fs_kernel_cycles_banked > 1000, "{name}: {seen:?}");
        }
    }
}

#[test]
fn each_rtl_mutant_is_found_by_the_random_run() {
    for (name, mutant) in [
        ("x86_64-irq-entry", Mutant::IrqEntryIgnored),
        ("x86_64-full", Mutant::IrqEntryIgnored),
        ("x86_64-fs-bank", Mutant::FsNotBanked),
        ("x86_64-full", Mutant::FsNotBanked),
    ] {
        let cfg = preset(name);
        let e = lockstep(&cfg, Some(mutant), 11, 100_000)
            .expect_err(&format!("{name}: the random run missed {mutant:?}"));
        eprintln!("{name}, {mutant:?}: {e}");
        let port = match mutant {
            // The entry point is what the core fetches from next.
            Mutant::IrqEntryIgnored => "rip",
            Mutant::FsNotBanked => "fs_base",
        };
        assert!(e.contains(port), "{name}, {mutant:?}: {e}");
    }
}

#[test]
fn option_scenarios_pass_on_the_rtl_of_every_preset_they_fit() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../testbenches/scenarios/options");
    let all = scenario::load_dir(&dir).unwrap();
    let mut ran = Vec::new();
    for name in OPTION_PRESETS {
        let cfg = preset(name);
        for s in &all {
            if s.skip_reason(&cfg).is_some() {
                continue;
            }
            s.run_rtl(&cfg, None)
                .unwrap_or_else(|e| panic!("{name}: {}: {e:#}", s.name));
            ran.push(format!("{name}/{}", s.name));
        }
    }
    for want in [
        "x86_64-irq-entry/irq-entry",
        "x86_64-irq-entry/irq-double-fault",
        "x86_64-fs-bank/fs-bank",
        "x86_64-full/irq-entry",
        "x86_64-full/irq-double-fault",
        "x86_64-full/fs-bank",
    ] {
        assert!(ran.iter().any(|r| r == want), "{want} did not run: {ran:?}");
    }
}

#[test]
fn each_top_takes_only_its_own_fs_bank() {
    let fs = preset("x86_64-fs-bank");
    let e = ptu_rtl::Ptu::new(&fs).err().unwrap().to_string();
    assert_eq!(
        e,
        "configuration x86_64-fs-bank has fs_bank = true, this unit (Ptu) is built for fs_bank = false"
    );
    let d = PtuConfig::default();
    let e = ptu_rtl::PtuFs::new(&d).err().unwrap().to_string();
    assert_eq!(
        e,
        "configuration x86_64-default has fs_bank = false, this unit (PtuFs) is built for fs_bank = true"
    );
}
