//! The RV32I core (`Cpu<32>`) in its SoC (`Soc<32>`, with the 32-bit
//! unit `Ptu<32>`): every directed program of the RV32I core
//! (`asm::isa_programs_xlen(32)`: the RV32I build of `soc/programs/isa/`
//! and `isa32/`) passes on the rust-hdl SoC with the RV32I model's retire
//! trace, entry for entry; the RV64I SoC fails the RV32-only checks (so
//! the programs tell the widths apart); and the RV32 SoC's Verilog lints
//! clean in Verilator `-Wall`, Icarus and Yosys.

use ptu_soc::asm;
use ptu_soc::diff::{self, without_uart_polls, RtlRun, TraceOptions};
use ptu_soc::iss::{compare_traces, Config, End, Iss, Trace};
use ptu_soc::map::ToHost;
use ptu_soc::program::Program;
use ptu_soc::soc::{self, SocConfig, TOP};
use std::path::{Path, PathBuf};

mod lint;

fn source(name: &str) -> PathBuf {
    asm::isa_program(name, 32).unwrap_or_else(|e| panic!("{e:#}"))
}

fn load(name: &str) -> Program {
    asm::load_xlen(&source(name), 32).unwrap_or_else(|e| panic!("{e:#}"))
}

fn rtl(cfg: &SocConfig) -> RtlRun {
    diff::run_traced_with(cfg, &TraceOptions::default()).unwrap_or_else(|e| panic!("{e:#}"))
}

fn iss(p: &Program) -> Iss {
    let mut iss = Iss::with_xlen(p, Config::default(), 32).unwrap();
    iss.run();
    iss
}

fn tail(t: &[Trace]) -> String {
    let from = t.len().saturating_sub(12);
    t[from..]
        .iter()
        .map(|e| format!("  {e}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Run `name` on the RV32I model and the RV32I SoC: both pass, with equal
/// traces (without UART polling loops when `uart`).
fn check(name: &str, uart: bool) {
    let p = load(name);
    let model = iss(&p);
    model
        .outcome()
        .check(name)
        .unwrap_or_else(|e| panic!("the model: {e:#}"));
    let r = rtl(&SocConfig::rv32(p.image.clone()));
    let trace = r.trace();
    assert_eq!(
        r.end(),
        End::ToHost(ToHost::Pass),
        "{name} on the RV32 SoC: tohost {:?} after {} cycles, shutdown {}\nlast trace lines:\n{}\n(listing: llvm-objdump -d {})",
        r.tohost,
        r.cycles,
        r.shutdown,
        tail(&trace),
        asm::build_dir().join(format!("*{name}-rv32.elf")).display()
    );
    assert_eq!(r.uart, model.uart, "{name}: UART output");
    if uart {
        compare_traces(
            &without_uart_polls(&model.trace),
            &without_uart_polls(&trace),
        )
        .unwrap_or_else(|e| panic!("{name}: {e:#}"));
    } else {
        compare_traces(&model.trace, &trace).unwrap_or_else(|e| panic!("{name}: {e:#}"));
        assert_eq!(r.instret, model.retired, "{name}");
    }
    // Every value the core wrote is 32 bits.
    for t in &trace {
        if let Trace::Retire {
            rd: Some((r, v)), ..
        } = t
        {
            assert!(*v <= u32::MAX as u64, "{name}: x{r} = {v:#x}: {t}");
        }
    }
}

macro_rules! rv32_tests {
    ($($name:ident: $uart:expr),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                check(stringify!($name), $uart);
            }
        )*

        /// Every directed program of the RV32I core has a test above.
        #[test]
        fn every_rv32_program_runs_on_the_rv32_soc() {
            let listed = [$(stringify!($name)),*];
            let found = asm::isa_programs_xlen(32).unwrap();
            assert_eq!(found.len(), listed.len(), "{found:?}");
            for p in found {
                let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
                assert!(listed.contains(&stem.as_str()), "{} has no test in soc/tests/core_rv32.rs", p.display());
            }
        }
    };
}

rv32_tests!(
    alu: false,
    shift: false,
    branch: false,
    jump: false,
    mem: false,
    rv64_only: false,
    priv_mem: false,
    priv_syscall: false,
    priv_user: true,
);

/// The RV64I core runs `ld` where the RV32I core raises #UD: the same
/// image fails its case 2 on the RV64 SoC.
#[test]
fn the_rv64_soc_fails_the_rv32_only_checks() {
    let p = load("rv64_only");
    let r = rtl(&SocConfig::new(p.image.clone()));
    assert_eq!(r.end(), End::ToHost(ToHost::Fail(2)));
}

#[test]
fn a_core_width_the_soc_is_not_built_for_is_refused() {
    let cfg = SocConfig::rv32(vec![0x6f, 0, 0, 0]);
    let e = soc::Soc::new(&cfg).err().unwrap().to_string();
    assert!(e.contains("built for a 64-bit core"), "{e}");
    let mut bad = SocConfig::new(vec![]);
    bad.cpu.xlen = 16;
    let e = soc::emit(&bad).err().unwrap().to_string();
    assert!(e.contains("use 32 (RV32I) or 64 (RV64I)"), "{e}");
}

#[test]
fn the_rv32_soc_verilog_is_an_rv32_core_and_lints_clean() {
    let p = load("alu");
    let v = soc::emit(&SocConfig::rv32(p.image)).unwrap();
    assert!(v.contains("an RV32I core"), "header");
    assert!(!v.contains('$'));
    // The core's pc and the unit's rip are both 32 bits wide: the unit is
    // Ptu<32>, its frame six 4-byte words.
    assert!(
        v.contains("input wire [31:0] rip;"),
        "the RV32 core's rip port"
    );
    let unit = &v[v.find("module ptu_soc_ptu(").expect("the unit's module")..];
    let unit = &unit[..unit.find("endmodule").unwrap()];
    assert!(
        unit.contains("output reg [31:0] rip;"),
        "the unit's rip port"
    );
    assert!(
        unit.contains("output reg [31:0] mem_addr;"),
        "the unit's frame bus"
    );
    assert!(!v.contains("[63:0] rip;"), "a 64-bit rip");
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let waivers = manifest.join("ptu_soc.vlt");
    let waivers32 = manifest.join("ptu_soc_rv32.vlt");
    lint::assert_lints_clean(
        &lint::scratch("soc-rv32-lint"),
        TOP,
        &v,
        &[&waivers, &waivers32],
    );
}

/// Random RV32I programs (`random::generate_xlen`) give equal traces on
/// the RV32I model and the RV32I SoC, and pass on both.
#[test]
fn random_rv32_programs_give_equal_traces() {
    let mut entries = 0;
    for seed in 0..8 {
        let d = diff::random_diff_xlen(seed, 300, 32).unwrap_or_else(|e| panic!("{e:#}"));
        entries += d.entries;
    }
    assert!(entries > 8 * 300, "{entries} entries");
}

/// The comparison catches a broken RV32I core: with `sra` shifting in
/// zeros, the shift program fails its first negative `sra` case (12) on
/// the SoC.
#[test]
fn a_broken_rv32_core_fails_the_shift_program() {
    let p = load("shift");
    let src = std::fs::read_to_string(source("shift")).unwrap();
    assert!(src.contains("TEST_RR_OP 12, sra, 0xffffffff, 0x80000000, 31"));
    let mut cfg = SocConfig::rv32(p.image);
    cfg.cpu.mutant = Some(ptu_soc::cpu::Mutant::SraAsSrl);
    assert_eq!(rtl(&cfg).end(), End::ToHost(ToHost::Fail(12)));
}
