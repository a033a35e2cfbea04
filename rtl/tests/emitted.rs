//! The emitted Verilog: SPEC's ports, clean names, a header, the internal
//! names the proofs, waveforms and mutants read, and the committed copy in
//! rtl/generated/ptu.v (and its waivers, ptu.vlt) kept current.

use ptu_arch::{internal, PtuConfig, PORTS, PRESETS};
use ptu_rtl::verilog::emit;

fn committed() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/generated/ptu.v");
    std::fs::read_to_string(path).expect("rtl/generated/ptu.v is missing")
}

#[test]
fn committed_copy_is_current() {
    let fresh = emit(&PtuConfig::default()).unwrap();
    assert!(
        fresh == committed(),
        "rtl/generated/ptu.v is stale: run `cargo run --release -- generate --out rtl/generated`"
    );
    // `ptu generate` writes the waivers beside it.
    let vlt = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/generated/ptu.vlt"))
        .expect("rtl/generated/ptu.vlt is missing");
    assert!(
        vlt == ptu_rtl::verilog::WAIVERS,
        "rtl/generated/ptu.vlt is stale: run `cargo run --release -- generate --out rtl/generated`"
    );
}

#[test]
fn top_ports_are_specs_table() {
    let v = committed();
    let got = internal::ports(&v, "ptu").unwrap();
    let want: Vec<_> = PORTS
        .iter()
        .map(|(n, d, w)| (n.to_string(), *d, *w))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn names_are_clean() {
    let v = committed();
    assert!(!v.contains('$'), "a `$` is left in the emitted Verilog");
    assert!(!v.contains("initial"), "initial blocks are left");
    let modules: Vec<&str> = v
        .lines()
        .filter_map(|l| l.strip_prefix("module "))
        .map(|l| l.split('(').next().unwrap())
        .collect();
    assert_eq!(modules[0], "ptu");
    for block in [
        "ptu_rename_bank",
        "ptu_entry_unit",
        "ptu_return_path",
        "ptu_frame_sequencer",
        "ptu_csr_file",
    ] {
        assert!(modules.contains(&block), "no module {block} in {modules:?}");
    }
    assert!(
        modules[1..].iter().all(|m| m.starts_with("ptu_")),
        "{modules:?}"
    );
}

/// Every entry of `ptu_arch::internal::TABLE` names a signal of the emitted
/// design. This is the test a rename of an internal register breaks: the
/// message names the entry and the file to fix.
#[test]
fn internal_names_exist_in_the_emitted_design() {
    let v = emit(&PtuConfig::default()).unwrap();
    let stale: Vec<String> = internal::TABLE
        .iter()
        .filter(|e| e.in_config(&PtuConfig::default()))
        .filter_map(|e| {
            internal::resolve(&v, "ptu", e.path).err().map(|why| {
                format!(
                    "  `{}` ({}): path `{}` is not in the emitted ptu.v: {why}",
                    e.key, e.what, e.path
                )
            })
        })
        .collect();
    assert!(
        stale.is_empty(),
        "internal names that the RTL no longer has; fix their paths in \
         arch/src/internal.rs (ptu_arch::internal::TABLE):\n{}",
        stale.join("\n")
    );
}

/// Each internal name's width is the width of its declaration.
#[test]
fn internal_names_have_their_widths() {
    let v = emit(&PtuConfig::default()).unwrap();
    for e in internal::TABLE
        .iter()
        .filter(|e| e.in_config(&PtuConfig::default()))
    {
        // A name that is missing is the failure of the test above.
        let Ok(r) = internal::resolve(&v, "ptu", e.path) else {
            continue;
        };
        assert_eq!(
            r.width, e.width,
            "`{}` ({}) is {} bits wide in module {}, the table says {}; fix arch/src/internal.rs",
            e.key, e.path, r.width, r.module, e.width
        );
    }
}

#[test]
fn header_names_generator_version_and_configuration() {
    let cfg = PtuConfig {
        reset_rip: 0xffff_8000_0000_0000,
        ..PtuConfig::default()
    };
    let v = emit(&cfg).unwrap();
    let header: Vec<&str> = v.lines().take_while(|l| l.starts_with("//")).collect();
    let header = header.join("\n");
    assert!(
        header.contains(&format!("ptu {}", env!("CARGO_PKG_VERSION"))),
        "{header}"
    );
    assert!(header.contains("rust-hdl 0.46.0"), "{header}");
    assert!(header.contains("reset_rip=0xffff800000000000"), "{header}");
    assert!(
        v.contains("64'hffff800000000000"),
        "the reset RIP is not in the design"
    );
}

#[test]
fn invalid_configuration_is_refused() {
    let cfg = PtuConfig {
        xlen: 48,
        ..PtuConfig::default()
    };
    let e = emit(&cfg).unwrap_err().to_string();
    assert!(e.contains("xlen = 48 is not allowed"), "{e}");
}

/// The presets the RTL is generated for.
fn generated_presets() -> Vec<PtuConfig> {
    PRESETS
        .iter()
        .map(|p| p.config())
        .filter(|c| c.validate().is_ok())
        .collect()
}

#[test]
fn the_32_bit_preset_is_generated() {
    assert!(generated_presets()
        .iter()
        .any(|c| c.name == "ice40-small-32" && c.xlen == 32));
}

/// Every generated preset: its header names it, its top has the
/// configuration's ports (`PtuConfig::ports`: XLEN-wide ones at its xlen,
/// `event_info` at 64), its names are clean, and every internal name
/// resolves with its width in that configuration.
#[test]
fn every_generated_preset_has_its_ports_header_and_internal_names() {
    for cfg in generated_presets() {
        let v = emit(&cfg).unwrap();
        let name = cfg.name.to_string();
        let header: Vec<&str> = v.lines().take_while(|l| l.starts_with("//")).collect();
        assert!(
            header.join("\n").contains(&cfg.describe()),
            "{name}: {header:?}"
        );
        let want: Vec<_> = cfg
            .ports()
            .iter()
            .map(|(n, d, w)| (n.to_string(), *d, *w))
            .collect();
        assert_eq!(internal::ports(&v, "ptu").unwrap(), want, "{name}");
        assert!(!v.contains('$') && !v.contains("initial"), "{name}");
        for e in internal::TABLE.iter().filter(|e| e.in_config(&cfg)) {
            let r = internal::resolve(&v, "ptu", e.path)
                .unwrap_or_else(|why| panic!("{name}: `{}` ({}): {why}", e.key, e.path));
            assert_eq!(
                r.width,
                e.width_in(cfg.xlen),
                "{name}: `{}` ({}) is {} bits wide in module {}",
                e.key,
                e.path,
                r.width,
                r.module
            );
        }
    }
}
