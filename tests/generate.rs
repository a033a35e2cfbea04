//! `ptu generate`: configurations (file, preset, `--reset-rip`), their
//! errors as one line naming the file and the line, and the integrator's
//! outputs beside `ptu.v`: the encodings header, the instantiation template
//! and the FuseSoC core file, checked against the `ptu-arch` tables and
//! compiled by Icarus and Verilator in a small wrapper.

mod common;

use common::ptu;
use ptu_arch::config::{FrameLayout, XLEN_PORTS};
use ptu_arch::{csr, event_info, event_type, frame, status, vector, Dir, PORTS, PRESETS};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ptu-generate-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

/// Run `ptu generate ARGS --out DIR/out`; the output folder.
fn generate(dir: &Path, args: &[&str]) -> PathBuf {
    let out = dir.join("out");
    let mut all = vec!["generate", "--out", out.to_str().unwrap()];
    all.extend_from_slice(args);
    let o = ptu(&all);
    assert!(o.status.success(), "ptu {all:?}: {}", stderr(&o));
    out
}

/// `ptu generate ARGS` must fail with exactly `line` on stderr (and exit
/// 2), and write nothing.
fn refused(dir: &Path, args: &[&str], line: &str) {
    let out = dir.join("refused");
    let mut all = vec!["generate", "--out", out.to_str().unwrap()];
    all.extend_from_slice(args);
    let o = ptu(&all);
    assert_eq!(o.status.code(), Some(2), "ptu {all:?}: {}", stderr(&o));
    assert_eq!(stderr(&o), format!("{line}\n"));
    assert!(!out.exists(), "ptu {all:?} wrote {}", out.display());
}

/// The text after the leading comment lines (the header).
fn body(v: &str) -> &str {
    let mut at = 0;
    for l in v.split_inclusive('\n') {
        if !l.starts_with("//") {
            break;
        }
        at += l.len();
    }
    &v[at..]
}

#[test]
fn preset_x86_64_default_is_the_committed_verilog_apart_from_its_header() {
    let dir = scratch("preset-default");
    let out = generate(&dir, &["--preset", "x86_64-default"]);
    let v = read(&out.join("ptu.v"));
    let committed = read(&Path::new(ROOT).join("rtl/generated/ptu.v"));
    assert!(body(&v).len() > 10_000, "no module text after the header");
    assert!(
        body(&v) == body(&committed),
        "the Verilog differs below the header"
    );
    assert!(
        v.contains(
            "\n// Configuration: x86_64-default (xlen=64 reset_rip=0x0 irq_entry=false fs_bank=false)\n"
        ),
        "{}",
        &v[..v.len() - body(&v).len()]
    );
    // The default configuration is that preset, and the integrator's files
    // committed beside ptu.v are current.
    for f in ["ptu.v", "ptu.vlt", "ptu_defs.vh", "ptu_inst.vh", "ptu.core"] {
        assert!(
            read(&out.join(f)) == read(&Path::new(ROOT).join("rtl/generated").join(f)),
            "rtl/generated/{f} is stale: run `cargo run --release -- generate --out rtl/generated`"
        );
    }
}

#[test]
fn a_config_file_names_the_configuration_and_reset_rip_overrides_it() {
    let dir = scratch("config-file");
    let file = dir.join("soc.toml");
    std::fs::write(
        &file,
        "# my SoC\npreset = \"x86_64-default\"\nname = \"soc-a\"\nreset_rip = 0xffff_8000_0000_1000\n",
    )
    .unwrap();
    let out = generate(&dir, &["--config", file.to_str().unwrap()]);
    let v = read(&out.join("ptu.v"));
    assert!(v.contains(
        "// Configuration: soc-a (xlen=64 reset_rip=0xffff800000001000 irq_entry=false fs_bank=false)\n"
    ));
    let defs = read(&out.join("ptu_defs.vh"));
    assert_eq!(defines(&defs)["PTU_RESET_RIP"], "64'hffff800000001000");
    // --reset-rip wins over the file's value; a file without `name` is
    // named after itself.
    std::fs::write(&file, "reset_rip = 0x2000\n").unwrap();
    let out = generate(
        &dir,
        &["--config", file.to_str().unwrap(), "--reset-rip", "0x3000"],
    );
    let v = read(&out.join("ptu.v"));
    assert!(v.contains(
        "// Configuration: soc (xlen=64 reset_rip=0x3000 irq_entry=false fs_bank=false)\n"
    ));
    let out = generate(&dir, &["--preset", "x86_64-default", "--reset-rip", "4096"]);
    assert_eq!(
        defines(&read(&out.join("ptu_defs.vh")))["PTU_RESET_RIP"],
        "64'h0000000000001000"
    );
}

#[test]
fn bad_configurations_are_one_line_naming_the_file_and_line() {
    let dir = scratch("bad-config");
    let file = dir.join("ptu.toml");
    let f = file.to_str().unwrap();
    let with = |text: &str| std::fs::write(&file, text).unwrap();

    with("name = \"a\"\n\nxlen = 48\n");
    refused(
        &dir,
        &["--config", f],
        &format!("error: {f}:3: xlen = 48 is not allowed: write 32 or 64"),
    );
    with("xlen = 64\nfs_bank = yes\n");
    let o = ptu(&[
        "generate",
        "--config",
        f,
        "--out",
        dir.join("x").to_str().unwrap(),
    ]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        e.starts_with(&format!("error: {f}:2: ")) && e.lines().count() == 1,
        "{e}"
    );
    with("xlen = 64\nfs_bank = 1\n");
    refused(
        &dir,
        &["--config", f],
        &format!("error: {f}:2: fs_bank = 1 is not allowed: write true or false"),
    );
    with("\n\nirq_entri = true\n");
    refused(
        &dir,
        &["--config", f],
        &format!("error: {f}:3: unknown key `irq_entri`: the keys are preset, name, xlen, reset_rip, irq_entry, fs_bank (docs/config.md)"),
    );
    with("xlen = 32\nreset_rip = 0x1_0000_0000\n");
    refused(
        &dir,
        &["--config", f],
        &format!("error: {f}:2: reset_rip = 0x100000000 does not fit xlen = 32: write at most 0xffff_ffff"),
    );
    // Allowed by the specification, not generated yet.
    refused(
        &dir,
        &["--preset", "x86-64"],
        "error: invalid value 'x86-64' for '--preset <NAME>': no preset called `x86-64`: choose one of x86_64-default, x86_64-irq-entry, x86_64-fs-bank, x86_64-full, ice40-small-32 (`ptu generate --list-presets` says what each is for)",
    );
    let missing = dir.join("missing.toml");
    let o = ptu(&["generate", "--config", missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with(&format!("error: cannot read {}: ", missing.display())),
        "{}",
        stderr(&o)
    );
    // --config and --preset exclude each other.
    let o = ptu(&["generate", "--config", f, "--preset", "x86_64-default"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("cannot be used with"), "{}", stderr(&o));
}

/// A 32-bit configuration file gives the 32-bit unit and its headers
/// (docs/spec.md section 14.1).
#[test]
fn a_32_bit_file_gives_the_32_bit_unit() {
    let dir = scratch("file-32");
    let file = dir.join("small.toml");
    std::fs::write(&file, "xlen = 32\nreset_rip = 0x8000_0000\n").unwrap();
    let out = generate(&dir, &["--config", file.to_str().unwrap()]);
    let v = read(&out.join("ptu.v"));
    assert!(
        v.contains("// Configuration: small (xlen=32 reset_rip=0x80000000"),
        "{}",
        &v[..400]
    );
    assert!(v.contains("    input wire [31:0] next_rip;"));
    assert!(v.contains("    output reg [63:0] event_info;"));
    assert!(
        v.contains("32'h80000000"),
        "the reset RIP is not in the design"
    );
    let defs = defines(&read(&out.join("ptu_defs.vh")));
    assert_eq!(defs["PTU_XLEN"], "32");
    assert_eq!(defs["PTU_CSR_EVENT_INFO_H"], "8'h06");
    assert_eq!(defs["PTU_FRAME_WORDS"], "6");
    assert_eq!(defs["PTU_FRAME_BYTES"], "24");
    let inst = read(&out.join("ptu_inst.vh"));
    assert!(inst.contains("wire [31:0] mem_addr"), "{inst}");
}

#[test]
fn list_presets_says_which_are_generated_and_each_behaves_so() {
    let o = ptu(&["generate", "--list-presets"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    let dir = scratch("presets");
    for p in PRESETS {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("{} ", p.name)))
            .unwrap_or_else(|| panic!("{} is not listed:\n{text}", p.name));
        assert!(text.contains(p.purpose), "{text}");
        let built = line.contains(" generated ") && !line.contains("not yet");
        let o = ptu(&[
            "generate",
            "--preset",
            p.name,
            "--out",
            dir.join(p.name).to_str().unwrap(),
        ]);
        assert_eq!(o.status.success(), built, "{line}: {}", stderr(&o));
        if built {
            let v = read(&dir.join(p.name).join("ptu.v"));
            assert!(v.contains(&format!("// Configuration: {} (", p.name)));
        } else {
            assert!(stderr(&o).contains("which the RTL does not generate yet"));
        }
    }
}

/// The `` `define `` lines of a header: name → value (without a comment).
fn defines(text: &str) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for l in text.lines() {
        if let Some(rest) = l.strip_prefix("`define ") {
            let rest = rest.split("//").next().unwrap().trim();
            let (name, value) = rest.split_once(' ').unwrap_or((rest, ""));
            assert!(
                m.insert(name.to_string(), value.trim().to_string())
                    .is_none(),
                "{name} twice"
            );
        }
    }
    m
}

#[test]
fn the_header_holds_the_arch_encodings() {
    let dir = scratch("defs");
    let out = generate(&dir, &[]);
    let d = defines(&read(&out.join("ptu_defs.vh")));
    let get = |k: &str| {
        d.get(k)
            .unwrap_or_else(|| panic!("no `define {k}"))
            .as_str()
    };
    assert_eq!(get("PTU_DEFS_VH"), "");
    assert_eq!(get("PTU_XLEN"), "64");
    assert_eq!((get("PTU_IRQ_ENTRY"), get("PTU_FS_BANK")), ("0", "0"));
    assert_eq!(
        (get("PTU_CPL_KERNEL"), get("PTU_CPL_USER")),
        ("2'd0", "2'd3")
    );
    // Every CSR of the table, and no other.
    let csrs: Vec<_> = d.keys().filter(|k| k.starts_with("PTU_CSR_")).collect();
    assert_eq!(csrs.len(), csr::TABLE.len(), "{csrs:?}");
    for c in csr::TABLE {
        assert_eq!(
            get(&format!("PTU_CSR_{}", c.name)),
            format!("8'h{:02x}", c.addr)
        );
    }
    for (n, t) in [
        ("EXTERNAL_INTERRUPT", event_type::EXTERNAL_INTERRUPT),
        ("NMI", event_type::NMI),
        ("HARDWARE_EXCEPTION", event_type::HARDWARE_EXCEPTION),
        ("OTHER", event_type::OTHER),
    ] {
        assert_eq!(get(&format!("PTU_EVENT_TYPE_{n}")), format!("3'd{t}"));
    }
    for (n, v) in [
        ("DE", vector::DE),
        ("NMI", vector::NMI),
        ("UD", vector::UD),
        ("DF", vector::DF),
        ("GP", vector::GP),
        ("PF", vector::PF),
        ("MC", vector::MC),
        ("SYSCALL", vector::SYSCALL),
        ("FIRST_IRQ", vector::FIRST_IRQ),
    ] {
        assert_eq!(get(&format!("PTU_VECTOR_{n}")), format!("8'd{v}"));
    }
    for (n, b) in [
        ("IF", status::IF),
        ("FRAMED", status::FRAMED),
        ("NMI_BLOCKED", status::NMI_BLOCKED),
        ("PREV_USER", status::PREV_USER),
        ("CRITICAL", status::CRITICAL),
    ] {
        assert_eq!(get(&format!("PTU_STATUS_{n}")), b.to_string());
    }
    assert_eq!(get("PTU_STATUS_MASK"), format!("64'h{:016x}", status::MASK));
    // The EVENT_INFO ranges cover exactly the bits that exist, and pack()
    // puts each field where its range says.
    let range = |k: &str| -> (u32, u32) {
        let v = get(k);
        match v.split_once(':') {
            Some((hi, lo)) => (hi.parse().unwrap(), lo.parse().unwrap()),
            None => (v.parse().unwrap(), v.parse().unwrap()),
        }
    };
    let mut covered = 0u64;
    for f in ["TYPE", "VECTOR", "ERROR", "FROM_USER", "ERROR_VALID"] {
        let (hi, lo) = range(&format!("PTU_EVENT_INFO_{f}"));
        let bits = ((1u128 << (hi - lo + 1)) - 1) as u64;
        assert_eq!(covered & (bits << lo), 0, "{f} overlaps");
        covered |= bits << lo;
    }
    assert_eq!(covered, event_info::MASK);
    assert_eq!(
        get("PTU_EVENT_INFO_MASK"),
        format!("64'h{:016x}", event_info::MASK)
    );
    let field = |k: &str, v: u64| {
        let (hi, lo) = range(k);
        (v >> lo) & (((1u128 << (hi - lo + 1)) - 1) as u64)
    };
    let packed = event_info::pack(3, 14, 0xdead_beef, true, false);
    assert_eq!(field("PTU_EVENT_INFO_TYPE", packed), 3);
    assert_eq!(field("PTU_EVENT_INFO_VECTOR", packed), 14);
    assert_eq!(field("PTU_EVENT_INFO_ERROR", packed), 0xdead_beef);
    assert_eq!(field("PTU_EVENT_INFO_FROM_USER", packed), 1);
    assert_eq!(field("PTU_EVENT_INFO_ERROR_VALID", packed), 0);
    // The frame.
    for (k, v) in [
        ("WORDS", frame::WORDS),
        ("WORD_BYTES", frame::WORD_BYTES),
        ("BYTES", frame::BYTES),
        ("OFF_EVENT_DATA", frame::OFF_EVENT_DATA),
        ("OFF_EVENT_INFO", frame::OFF_EVENT_INFO),
        ("OFF_STATUS", frame::OFF_STATUS),
        ("OFF_RSP", frame::OFF_RSP),
        ("OFF_RIP", frame::OFF_RIP),
    ] {
        assert_eq!(get(&format!("PTU_FRAME_{k}")), v.to_string(), "{k}");
    }
    assert!(!d.contains_key("PTU_FRAME_OFF_EVENT_INFO_H"));
    assert_eq!(FrameLayout::for_xlen(64).bytes, frame::BYTES);
}

#[test]
fn the_template_connects_every_port_to_a_wire_of_its_name() {
    let dir = scratch("inst");
    let out = generate(&dir, &[]);
    let t = read(&out.join("ptu_inst.vh"));
    let wires: Vec<(String, usize)> = t
        .lines()
        .filter_map(|l| l.strip_prefix("wire "))
        .map(|l| {
            let decl = l.split("//").next().unwrap().trim().trim_end_matches(';');
            match decl.strip_prefix('[') {
                Some(r) => {
                    let (msb, name) = r.split_once(":0]").unwrap();
                    (name.trim().to_string(), msb.parse::<usize>().unwrap() + 1)
                }
                None => (decl.to_string(), 1),
            }
        })
        .collect();
    let want: Vec<(String, usize)> = PORTS.iter().map(|p| (p.0.to_string(), p.2)).collect();
    assert_eq!(wires, want);
    let conns: Vec<&str> = t
        .lines()
        .filter_map(|l| l.trim().strip_prefix('.'))
        .collect();
    assert_eq!(conns.len(), PORTS.len());
    for (c, (name, _, _)) in conns.iter().zip(PORTS.iter()) {
        let c = c.trim_end_matches(',');
        let (port, wire) = c.split_once('(').unwrap();
        assert_eq!((port.trim(), wire.trim_end_matches(')')), (*name, *name));
    }
    assert!(t.contains("\nptu u_ptu (\n"));
}

/// A wrapper that includes both headers, drives every input of the
/// template's wires from a port `in_<name>`, reads every output into
/// `out_<name>`, and decodes a few fields with the header's macros.
fn wrapper() -> String {
    let width = |name: &str, w: usize| {
        if XLEN_PORTS.contains(&name) {
            "[`PTU_XLEN-1:0] ".to_string()
        } else if w == 1 {
            String::new()
        } else {
            format!("[{}:0] ", w - 1)
        }
    };
    let mut ports = vec![];
    let mut body = vec![];
    for (name, dir, w) in PORTS {
        match dir {
            Dir::In => {
                ports.push(format!("    input  wire {}in_{name}", width(name, w)));
                body.push(format!("    assign {name} = in_{name};"));
            }
            Dir::Out => {
                ports.push(format!("    output wire {}out_{name}", width(name, w)));
                body.push(format!("    assign out_{name} = {name};"));
            }
        }
    }
    for p in [
        "output wire is_nmi",
        "output wire from_user",
        "output wire [7:0] vector_field",
        "output wire is_gp",
        "output wire reads_entry",
        "output wire status_if",
        "output wire [63:0] info_defined",
        "output wire [`PTU_XLEN-1:0] frame_top",
        "output wire at_reset_rip",
        "output wire is_kernel",
    ] {
        ports.push(format!("    {p}"));
    }
    body.extend([
        "    assign is_nmi = event_info[`PTU_EVENT_INFO_TYPE] == `PTU_EVENT_TYPE_NMI;".to_string(),
        "    assign from_user = event_info[`PTU_EVENT_INFO_FROM_USER];".to_string(),
        "    assign vector_field = event_info[`PTU_EVENT_INFO_VECTOR];".to_string(),
        "    assign is_gp = vector_field == `PTU_VECTOR_GP;".to_string(),
        "    assign reads_entry = csr_re && csr_addr == `PTU_CSR_ENTRY;".to_string(),
        "    assign status_if = csr_rdata[`PTU_STATUS_IF];".to_string(),
        "    assign info_defined = event_info & `PTU_EVENT_INFO_MASK;".to_string(),
        "    assign frame_top = rsp + `PTU_FRAME_BYTES;".to_string(),
        "    assign at_reset_rip = rip == `PTU_RESET_RIP;".to_string(),
        "    assign is_kernel = cpl == `PTU_CPL_KERNEL;".to_string(),
    ]);
    format!(
        "// A core's side of ptu, built from the generated header and template.\n\
         `include \"ptu_defs.vh\"\n\
         `include \"ptu_defs.vh\"\n\n\
         module wrapper (\n{}\n);\n\
         `include \"ptu_inst.vh\"\n\n{}\nendmodule\n",
        ports.join(",\n"),
        body.join("\n")
    )
}

#[test]
fn header_and_template_compile_in_icarus_and_lint_clean_in_verilator() {
    // Every generated preset: the 64-bit default and the 32-bit unit.
    for preset in ["ice40-small-32", "x86_64-default"] {
        template_compiles_and_lints_clean(preset);
    }
    let dir = scratch("wrapper");
    let out = generate(&dir, &[]);
    // A template connected to a wrong width is caught: the check can fail.
    let broken = wrapper().replace(
        "input  wire [7:0] in_csr_addr",
        "input  wire [6:0] in_csr_addr",
    );
    std::fs::write(out.join("broken.v"), broken).unwrap();
    let o = common::tool(
        "verilator",
        &[
            "--lint-only",
            "-Wall",
            "-I.",
            "--top-module",
            "wrapper",
            "ptu.vlt",
            "broken.v",
            "ptu.v",
        ],
        &out,
    );
    assert!(stderr(&o).contains("%Warning-WIDTH"), "{}", stderr(&o));
}

/// `ptu generate --preset PRESET`, then the template wrapper around it
/// compiles in Icarus and lints clean in Verilator -Wall.
fn template_compiles_and_lints_clean(preset: &str) {
    let dir = scratch(&format!("wrapper-{preset}"));
    let out = generate(&dir, &["--preset", preset]);
    std::fs::write(out.join("wrapper.v"), wrapper()).unwrap();
    common::wrapper_compiles_and_lints_clean(&out, &["."], &["ptu.vlt"], &["ptu.v"], preset);
}

/// A YAML node, for the block style the core file is written in.
#[derive(Debug, PartialEq)]
enum Yaml {
    Null,
    Scalar(String),
    Map(Vec<(String, Yaml)>),
    List(Vec<Yaml>),
}

impl Yaml {
    fn get(&self, key: &str) -> &Yaml {
        match self {
            Yaml::Map(m) => m
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v)
                .unwrap_or_else(|| panic!("no key {key}")),
            _ => panic!("not a mapping at {key}"),
        }
    }
    fn str(&self) -> &str {
        match self {
            Yaml::Scalar(s) => s,
            _ => panic!("not a scalar: {self:?}"),
        }
    }
    fn list(&self) -> &[Yaml] {
        match self {
            Yaml::List(l) => l,
            _ => panic!("not a list: {self:?}"),
        }
    }
}

/// A strict reader of YAML's block style: mappings (`key: value`,
/// `key:` with a deeper block), lists (`- item`, `- key:` with a mapping),
/// plain scalars, `#` comments. Anything else (tabs, flow style, quotes,
/// anchors, a line at an indentation that belongs to no block) panics.
fn yaml(text: &str) -> Yaml {
    let lines: Vec<(usize, String)> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|l| {
            assert!(!l.contains('\t'), "tab in {l:?}");
            for c in ['{', '[', '&', '*', '"', '\''] {
                assert!(!l.contains(c), "not plain block style: {l:?}");
            }
            let ind = l.len() - l.trim_start().len();
            (ind, l.trim().to_string())
        })
        .collect();
    let mut i = 0;
    let doc = block(&lines, &mut i, 0);
    assert_eq!(
        i,
        lines.len(),
        "line {:?} is at no block's indentation",
        lines.get(i)
    );
    doc
}

fn block(lines: &[(usize, String)], i: &mut usize, ind: usize) -> Yaml {
    let list = lines[*i].1.starts_with("- ");
    if list {
        let mut items = vec![];
        while *i < lines.len() && lines[*i].0 == ind && lines[*i].1.starts_with("- ") {
            let item = lines[*i].1[2..].to_string();
            if item.ends_with(':') || item.contains(": ") {
                // A mapping whose first key is on the dash's line.
                let mut sub = lines.to_vec();
                sub[*i] = (ind + 2, item);
                items.push(block(&sub, i, ind + 2));
            } else {
                items.push(Yaml::Scalar(item));
                *i += 1;
            }
        }
        Yaml::List(items)
    } else {
        let mut map: Vec<(String, Yaml)> = vec![];
        while *i < lines.len() && lines[*i].0 == ind && !lines[*i].1.starts_with("- ") {
            let line = &lines[*i].1;
            let (k, v) = match line.split_once(": ") {
                Some((k, v)) => (k.to_string(), Some(v.trim().to_string())),
                None => (
                    line.strip_suffix(':')
                        .unwrap_or_else(|| panic!("not `key: value`: {line:?}"))
                        .to_string(),
                    None,
                ),
            };
            assert!(map.iter().all(|(x, _)| *x != k), "key {k} twice");
            *i += 1;
            let value = match v {
                Some(v) => Yaml::Scalar(v),
                None if *i < lines.len() && lines[*i].0 > ind => {
                    let deeper = lines[*i].0;
                    block(lines, i, deeper)
                }
                None => Yaml::Null,
            };
            map.push((k, value));
        }
        Yaml::Map(map)
    }
}

#[test]
fn the_core_file_is_capi2_naming_files_that_are_there_and_its_lint_target_passes() {
    let dir = scratch("core");
    let out = generate(&dir, &[]);
    let text = read(&out.join("ptu.core"));
    assert!(text.starts_with("CAPI=2:\n"));
    let core = yaml(&text);
    assert_eq!(core.get("CAPI=2"), &Yaml::Null);
    assert_eq!(
        core.get("name").str(),
        format!("ptu:ptu:ptu:{}", env!("CARGO_PKG_VERSION"))
    );
    assert!(core.get("description").str().contains("x86_64-default"));
    // Every file of every fileset is in the folder; include files are marked.
    let filesets = core.get("filesets");
    let mut sources: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let Yaml::Map(sets) = filesets else {
        panic!("filesets")
    };
    for (name, set) in sets {
        for f in set.get("files").list() {
            let file = match f {
                Yaml::Scalar(s) => s.clone(),
                Yaml::Map(m) => {
                    assert_eq!(m.len(), 1);
                    assert_eq!(m[0].1.get("is_include_file").str(), "true");
                    assert!(m[0].0.ends_with(".vh"), "{}", m[0].0);
                    // An include file is not compiled on its own.
                    assert!(out.join(&m[0].0).exists(), "{} is missing", m[0].0);
                    continue;
                }
                _ => panic!("{f:?}"),
            };
            assert!(out.join(&file).exists(), "{file} is missing");
            sources.entry(name.clone()).or_default().push(file);
        }
        let ty = set.get("file_type").str();
        assert!(["verilogSource", "vlt"].contains(&ty), "{ty}");
    }
    assert_eq!(sources["rtl"], ["ptu.v"]);
    assert_eq!(sources["waivers"], ["ptu.vlt"]);
    // Targets name filesets that exist and the top module.
    let targets = core.get("targets");
    for t in ["default", "lint"] {
        let target = targets.get(t);
        assert_eq!(target.get("toplevel").str(), "ptu");
        for fs in target.get("filesets").list() {
            assert!(sources.contains_key(fs.str()), "{t}: {fs:?}");
        }
    }
    let lint = targets.get("lint");
    assert_eq!(lint.get("default_tool").str(), "verilator");
    let v = lint.get("tools").get("verilator");
    assert_eq!(v.get("mode").str(), "lint-only");
    let opts: Vec<&str> = v
        .get("verilator_options")
        .list()
        .iter()
        .map(|o| o.str())
        .collect();
    assert_eq!(opts, ["-Wall"]);
    // What the lint target says, run by hand: clean.
    let mut args = vec!["--lint-only".to_string()];
    args.extend(opts.iter().map(|s| s.to_string()));
    args.extend(["--top-module".to_string(), "ptu".to_string()]);
    for fs in lint.get("filesets").list() {
        args.extend(sources[fs.str()].iter().cloned());
    }
    let args: Vec<&str> = args.iter().map(|s| s.as_str()).collect();
    let o = common::tool("verilator", &args, &out);
    assert!(
        o.status.success() && stderr(&o).trim().is_empty(),
        "verilator {args:?}:\n{}",
        stderr(&o)
    );
    // The reader is strict: it refuses what is not block-style YAML.
    assert!(std::panic::catch_unwind(|| yaml("a:\n  b: 1\n c: 2\n")).is_err());
    assert!(std::panic::catch_unwind(|| yaml("a: [1, 2]\n")).is_err());
}

#[test]
fn the_docs_list_every_preset_key_and_option_csr() {
    let config = read(&Path::new(ROOT).join("docs/config.md"));
    let spec = read(&Path::new(ROOT).join("docs/spec.md"));
    for p in PRESETS {
        let yes = if p.config().validate().is_ok() {
            "yes"
        } else {
            "not yet"
        };
        let row = format!(
            "| `{}` | {} | {} | {} | {} | {yes} |",
            p.name, p.xlen, p.reset_rip, p.irq_entry, p.fs_bank
        );
        assert!(config.contains(&row), "docs/config.md has no row {row}");
        let row = format!(
            "| `{}` | {} | {} | {} | {yes} |",
            p.name, p.xlen, p.irq_entry, p.fs_bank
        );
        assert!(spec.contains(&row), "docs/spec.md has no row {row}");
    }
    for k in ptu_arch::config::KEYS {
        assert!(
            config.contains(&format!("\n| `{k}` | ")),
            "docs/config.md lacks key {k}"
        );
    }
    for (name, addr) in [
        ("ENTRY_IRQ", ptu_arch::config::ENTRY_IRQ),
        ("UFS", ptu_arch::config::UFS),
        ("EVENT_INFO_H", ptu_arch::config::EVENT_INFO_H),
    ] {
        let s = format!("{name} at 0x{addr:02x}");
        assert!(spec.contains(&s), "docs/spec.md does not say {s}");
    }
    let f = FrameLayout::for_xlen(32);
    assert!(spec.contains(&format!("six 32-bit words, {} bytes", f.bytes)));
    assert!(spec.contains(&format!(
        "| top − 20 | {} | EVENT_INFO bits 31:0 |",
        f.off_event_info
    )));
    assert!(spec.contains(&format!(
        "| top − 16 | {} | EVENT_INFO bits 63:32 |",
        f.off_event_info_hi.unwrap()
    )));
    assert!(spec.contains(&format!(
        "| top − 4 | {} | the kernel RIP to return to |",
        f.off_rip
    )));
}
