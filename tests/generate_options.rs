//! `ptu generate` for the option presets (docs/spec.md §14.3, §14.4):
//! module `ptu` with the configuration's ports in SPEC's order, lint clean
//! in Verilator (-Wall), Icarus and Yosys; the integrator's files follow
//! the options (defines, the FS ports in the template, which compiles
//! against the unit); and the emission of the unit with both options is
//! proven equal to rust-hdl's own Verilog.

mod common;

use common::ptu;
use ptu_arch::{internal, PtuConfig};
use std::path::{Path, PathBuf};
use std::process::Command;

const OPTION_PRESETS: [&str; 3] = ["x86_64-irq-entry", "x86_64-fs-bank", "x86_64-full"];

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "ptu-generate-options-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

fn preset(name: &str) -> PtuConfig {
    ptu_arch::config::preset(name).unwrap().config()
}

#[test]
fn option_presets_generate_lint_clean_verilog_with_their_ports() {
    for name in OPTION_PRESETS {
        let cfg = preset(name);
        let out = scratch(name);
        let o = ptu(&["generate", "--preset", name, "--out", out.to_str().unwrap()]);
        assert!(
            o.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let v_path = out.join("ptu.v");
        let v = read(&v_path);
        assert!(v.contains(&format!("// Configuration: {name} (")), "{name}");
        // SPEC's ports, with the FS ones after their GS counterparts.
        let want: Vec<_> = cfg
            .ports()
            .iter()
            .map(|(n, d, w)| (n.to_string(), *d, *w))
            .collect();
        assert_eq!(internal::ports(&v, "ptu").unwrap(), want, "{name}");
        assert_eq!(v.contains("fs_base"), cfg.fs_bank, "{name}");
        // The options' constants are the configuration's.
        assert!(
            v.contains(&format!(
                "localparam irq_entry = 1'b{};",
                cfg.irq_entry as u8
            )),
            "{name}"
        );

        let report =
            ptu_synth::lint::verilator_lint(&v_path, "ptu", Some(&out.join("ptu.vlt"))).unwrap();
        report
            .ensure_clean()
            .unwrap_or_else(|e| panic!("{name}: verilator -Wall: {e:#}"));
        ptu_synth::lint::iverilog_check(&v_path, "ptu")
            .unwrap_or_else(|e| panic!("{name}: iverilog: {e:#}"));
        let stats = ptu_synth::lint::yosys_synth_ice40(&v_path, "ptu", &out)
            .unwrap_or_else(|e| panic!("{name}: yosys: {e:#}"));
        eprintln!(
            "{name}: synth_ice40 {} LUT4, {} flip-flops, {} carries",
            stats.luts, stats.flip_flops, stats.carries
        );

        // The integrator's files.
        let defs = read(&out.join("ptu_defs.vh"));
        let define = |n: &str, v: &str| {
            defs.lines().any(|l| {
                let w: Vec<_> = l.split_whitespace().collect();
                w.len() >= 3 && w[0] == "`define" && w[1] == n && w[2] == v
            })
        };
        assert!(
            define("PTU_IRQ_ENTRY", if cfg.irq_entry { "1" } else { "0" }),
            "{name}"
        );
        assert!(
            define("PTU_FS_BANK", if cfg.fs_bank { "1" } else { "0" }),
            "{name}"
        );
        assert_eq!(
            define("PTU_CSR_ENTRY_IRQ", "8'h08"),
            cfg.irq_entry,
            "{name}"
        );
        assert_eq!(define("PTU_CSR_UFS", "8'h13"), cfg.fs_bank, "{name}");
        let inst = read(&out.join("ptu_inst.vh"));
        for p in ["fs_base", "fs_we", "fs_wdata"] {
            let connected = inst
                .lines()
                .map(str::trim)
                .any(|l| l.starts_with(&format!(".{p} ")) && l.contains(&format!("({p})")));
            assert_eq!(
                connected, cfg.fs_bank,
                "{name}: {p} in ptu_inst.vh:\n{inst}"
            );
        }
        // The template compiles against the unit.
        std::fs::write(
            out.join("top.v"),
            "`include \"ptu_defs.vh\"\nmodule top;\n`include \"ptu_inst.vh\"\nendmodule\n",
        )
        .unwrap();
        let o = Command::new("iverilog")
            .args([
                "-g2005", "-I", ".", "-s", "top", "-o", "top.vvp", "top.v", "ptu.v",
            ])
            .current_dir(&out)
            .output()
            .expect("cannot run iverilog: install it with ./setup.sh");
        assert!(
            o.status.success(),
            "{name}: iverilog top.v ptu.v: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let _ = std::fs::remove_dir_all(&out);
    }
}

#[test]
fn the_emitted_unit_with_both_options_is_equivalent_to_rust_hdls_verilog() {
    let cfg = preset("x86_64-full");
    let emitted = ptu_rtl::verilog::emit(&cfg).unwrap();
    let dir = scratch("equiv");
    let r = ptu_rtl::verilog::prove_emission(&cfg, &emitted, &dir).unwrap();
    eprintln!("x86_64-full emitted ptu.v: {r}");
    assert!(r.points > 1000, "{r:?}");
    r.ensure().unwrap();
}
