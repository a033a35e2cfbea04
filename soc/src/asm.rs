//! Assembling `soc/programs/*.S` with the LLVM RISC-V toolchain (Debian
//! packages `llvm` and `lld`, installed by `./setup.sh`):
//!
//! ```text
//! llvm-mc -triple=riscv64 -mattr=-relax -g -filetype=obj -I soc/programs/include X.S -o X.o
//! ld.lld -T soc/programs/link.ld X.o -o X.elf
//! llvm-objcopy -O binary X.elf X.bin
//! ```
//!
//! The target is RV64I with the Zicsr instructions (llvm-mc's `riscv64`
//! without extensions: the compressed, M, A, F and D instructions are
//! rejected by the assembler). [`assemble_xlen`] and [`load_xlen`] with
//! `xlen` 32 assemble for RV32I instead (`-triple=riscv32`, and
//! `ld.lld -m elf32lriscv`): `ld`, `sd` and the `*W` instructions are
//! rejected, and `li` of a 64-bit value is an error. Every assembly
//! defines `XLEN` (`llvm-mc --defsym XLEN=32` or `64`), so one source
//! serves both widths: `include/test.inc` chooses its loads, stores and
//! constants by it, and the directed programs of `soc/programs/isa/` hold
//! their width-specific cases in `.if XLEN == 64` blocks
//! ([`isa_programs_xlen`] lists a width's programs). Relaxation is off so
//! that every `la`, `call` and branch assembles to the instructions
//! written, whatever the layout.
//! `X.bin` is the flat image loaded at [`map::RAM_BASE`]; the outputs go to
//! `target/soc-programs/` (never committed). A failure names the tool and
//! gives its first error with the source file and line, e.g.
//! `cannot assemble soc/programs/isa/alu.S: alu.S:12:5: error: unrecognized
//! instruction mnemonic`, followed by the tool's log.

use crate::map;
use crate::program::Program;
use anyhow::{anyhow, Context, Result};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The folder of the programs' sources: `soc/programs`.
pub fn programs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("programs")
}

/// The folder of the shared headers (`test.inc`): `soc/programs/include`.
pub fn include_dir() -> PathBuf {
    programs_dir().join("include")
}

/// The linker script: `soc/programs/link.ld`.
pub fn link_script() -> PathBuf {
    programs_dir().join("link.ld")
}

/// Where assembled programs go: `target/soc-programs/` of the workspace
/// (or of `$CARGO_TARGET_DIR`).
pub fn build_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let soc = Path::new(env!("CARGO_MANIFEST_DIR"));
            soc.parent().unwrap_or(soc).join("target")
        });
    target.join("soc-programs")
}

/// The directed ISA programs of the RV64I core, `soc/programs/isa/*.S`,
/// sorted by name.
pub fn isa_programs() -> Result<Vec<PathBuf>> {
    isa_programs_xlen(64)
}

/// The line by which a program of `soc/programs/isa/` says it is for
/// RV64I only (a macro of `include/test.inc` that stops an RV32I
/// assembly with an error).
pub const RV64_ONLY: &str = "RVTEST_RV64_ONLY";

/// The directed programs of an RV64I (`xlen` 64) or RV32I (32) core,
/// sorted by name: for 64, `soc/programs/isa/*.S`; for 32, those of them
/// without a [`RV64_ONLY`] line, then the RV32I-only programs of
/// `soc/programs/isa32/*.S`.
pub fn isa_programs_xlen(xlen: usize) -> Result<Vec<PathBuf>> {
    target(xlen)?;
    let isa = programs_in("isa")?;
    if xlen == 64 {
        return Ok(isa);
    }
    let mut v = Vec::new();
    for p in isa {
        let text =
            std::fs::read_to_string(&p).with_context(|| format!("cannot read {}", p.display()))?;
        if !text.lines().any(|l| l.trim() == RV64_ONLY) {
            v.push(p);
        }
    }
    v.extend(programs_in("isa32")?);
    Ok(v)
}

fn programs_in(folder: &str) -> Result<Vec<PathBuf>> {
    let dir = programs_dir().join(folder);
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("cannot list {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "S"))
        .collect();
    v.sort();
    Ok(v)
}

/// The directed program `name` (`alu`, `rv64_only`) of an RV64I (`xlen`
/// 64) or RV32I (32) core, among [`isa_programs_xlen`].
pub fn isa_program(name: &str, xlen: usize) -> Result<PathBuf> {
    isa_programs_xlen(xlen)?
        .into_iter()
        .find(|p| p.file_stem().is_some_and(|s| s == name))
        .ok_or_else(|| {
            anyhow!(
                "no directed program {name} for xlen {xlen} in {}: see asm::isa_programs_xlen",
                programs_dir().display()
            )
        })
}

/// The files one assembly produced.
#[derive(Clone, Debug)]
pub struct Assembled {
    /// The linked ELF (with DWARF line info, for `llvm-objdump -dl`).
    pub elf: PathBuf,
    /// The flat image, loaded at [`map::RAM_BASE`].
    pub bin: PathBuf,
}

/// Assemble and link `src` into [`build_dir`], named after its path under
/// `soc/programs` (`isa/alu.S` gives `isa-alu.elf` and `isa-alu.bin`; its
/// RV32I build, [`assemble_xlen`], `isa-alu-rv32.elf` and `.bin`).
pub fn assemble(src: &Path) -> Result<Assembled> {
    assemble_into(src, &build_dir())
}

/// [`assemble`] for an RV32I (`xlen` 32) or RV64I (64) core.
pub fn assemble_xlen(src: &Path, xlen: usize) -> Result<Assembled> {
    assemble_into_xlen(src, &build_dir(), xlen)
}

/// Assemble `src`, then load its flat image.
pub fn load(src: &Path) -> Result<Program> {
    load_xlen(src, 64)
}

/// [`load`] for an RV32I (`xlen` 32) or RV64I (64) core.
pub fn load_xlen(src: &Path, xlen: usize) -> Result<Program> {
    let a = assemble_xlen(src, xlen)?;
    let mut p = Program::from_file(&a.bin)?;
    p.name = display_name(&src.canonicalize().unwrap_or_else(|_| src.to_path_buf()));
    Ok(p)
}

/// Assemble a program given as text (tests, generated programs): the text
/// is written to `build_dir()/src/NAME.S` and assembled from there, so
/// errors name that file.
pub fn assemble_text(name: &str, text: &str) -> Result<Assembled> {
    assemble_text_xlen(name, text, 64)
}

/// [`assemble_text`] for an RV32I (`xlen` 32) or RV64I (64) core.
pub fn assemble_text_xlen(name: &str, text: &str, xlen: usize) -> Result<Assembled> {
    let dir = build_dir().join("src");
    let src = dir.join(format!("{name}.S"));
    // Like ptu_tools::write_atomic, with a temporary name unique to this
    // call: tests in one process may write the same program at once.
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let tmp = dir.join(format!(
        "{name}.S.partial-{}-{}",
        std::process::id(),
        SERIAL.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &src).with_context(|| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write {}", src.display())
    })?;
    assemble_xlen(&src, xlen)
}

/// How a source is named in messages and outputs: its path under
/// `soc/programs` when it is there, else its file name.
fn display_name(src: &Path) -> String {
    let s = src
        .strip_prefix(programs_dir())
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| src.file_name().map(PathBuf::from).unwrap_or_default());
    s.with_extension("").to_string_lossy().into_owned()
}

/// A process-wide counter for the names of intermediate files, so that
/// tests assembling the same program at once never share a file.
static SERIAL: AtomicU64 = AtomicU64::new(0);

/// [`assemble`] into `out_dir`.
pub fn assemble_into(src: &Path, out_dir: &Path) -> Result<Assembled> {
    assemble_into_xlen(src, out_dir, 64)
}

/// The assembler's target and the linker's emulation for a core width.
fn target(xlen: usize) -> Result<(&'static str, &'static str)> {
    match xlen {
        32 => Ok(("riscv32", "elf32lriscv")),
        64 => Ok(("riscv64", "elf64lriscv")),
        x => Err(anyhow!(
            "cannot assemble for xlen {x}: use 32 (RV32I) or 64 (RV64I)"
        )),
    }
}

/// [`assemble_xlen`] into `out_dir`.
pub fn assemble_into_xlen(src: &Path, out_dir: &Path, xlen: usize) -> Result<Assembled> {
    let (triple, emulation) = target(xlen)?;
    if !src.is_file() {
        return Err(anyhow!(
            "cannot assemble {}: no such file (the programs are in {})",
            src.display(),
            programs_dir().display()
        ));
    }
    std::fs::create_dir_all(out_dir)
        .with_context(|| format!("cannot create the build folder {}", out_dir.display()))?;
    let src = src
        .canonicalize()
        .with_context(|| format!("cannot read {}", src.display()))?;
    let mut stem = display_name(&src).replace('/', "-");
    // A source of soc/programs serves both widths: its RV32I build is
    // named apart, so that both builds can exist (and run) at once.
    if xlen == 32 && src.starts_with(programs_dir()) {
        stem.push_str("-rv32");
    }
    let tmp = |ext: &str| {
        out_dir.join(format!(
            "{stem}.{ext}.partial-{}-{}",
            std::process::id(),
            SERIAL.fetch_add(1, Ordering::Relaxed)
        ))
    };
    let (obj, elf, bin) = (tmp("o"), tmp("elf"), tmp("bin"));
    let log = tmp("log");
    let tools = Tools {
        triple,
        emulation,
        xlen,
    };
    let result = run_tools(&tools, &src, &stem, &obj, &elf, &bin, &log, out_dir);
    let _ = std::fs::remove_file(&obj);
    let _ = std::fs::remove_file(&log);
    match result {
        Ok(a) => Ok(a),
        Err(e) => {
            let _ = std::fs::remove_file(&elf);
            let _ = std::fs::remove_file(&bin);
            Err(e)
        }
    }
}

/// What `run_tools` assembles for.
struct Tools {
    triple: &'static str,
    emulation: &'static str,
    /// `XLEN` in the source (`--defsym`).
    xlen: usize,
}

#[allow(clippy::too_many_arguments)]
fn run_tools(
    tools: &Tools,
    src: &Path,
    stem: &str,
    obj: &Path,
    elf: &Path,
    bin: &Path,
    log: &Path,
    out_dir: &Path,
) -> Result<Assembled> {
    let shown = display_path(src);
    let src_dir = src.parent().unwrap_or(Path::new("."));
    let mc_args: Vec<String> = vec![
        format!("-triple={}", tools.triple),
        format!("--defsym=XLEN={}", tools.xlen),
        "-mattr=-relax".into(),
        "-g".into(),
        "-filetype=obj".into(),
        "-I".into(),
        include_dir().display().to_string(),
        "-I".into(),
        src_dir.display().to_string(),
        src.display().to_string(),
        "-o".into(),
        obj.display().to_string(),
    ];
    let run = ptu_tools::run::run("llvm-mc", &mc_args, out_dir, log)?;
    if !run.success() {
        return Err(tool_error("assemble", &shown, &run));
    }
    let ld_args: Vec<String> = vec![
        "-m".into(),
        tools.emulation.into(),
        "-T".into(),
        link_script().display().to_string(),
        "--no-relax".into(),
        obj.display().to_string(),
        "-o".into(),
        elf.display().to_string(),
    ];
    let run = ptu_tools::run::run("ld.lld", &ld_args, out_dir, log)?;
    if !run.success() {
        return Err(tool_error("link", &shown, &run));
    }
    let cp_args: Vec<String> = vec![
        "-O".into(),
        "binary".into(),
        elf.display().to_string(),
        bin.display().to_string(),
    ];
    let run = ptu_tools::run::run("llvm-objcopy", &cp_args, out_dir, log)?;
    if !run.success() {
        return Err(tool_error("convert", &shown, &run));
    }
    let size = std::fs::metadata(bin)
        .with_context(|| format!("llvm-objcopy wrote no {}", bin.display()))?
        .len();
    if size > map::RAM_BYTES {
        return Err(anyhow!(
            "{shown} is {size} bytes, more than the SoC's {} bytes of RAM: make it smaller",
            map::RAM_BYTES
        ));
    }
    let final_elf = out_dir.join(format!("{stem}.elf"));
    let final_bin = out_dir.join(format!("{stem}.bin"));
    std::fs::rename(elf, &final_elf)
        .with_context(|| format!("cannot write {}", final_elf.display()))?;
    std::fs::rename(bin, &final_bin)
        .with_context(|| format!("cannot write {}", final_bin.display()))?;
    Ok(Assembled {
        elf: final_elf,
        bin: final_bin,
    })
}

/// `src` relative to the current folder when it is below it.
fn display_path(src: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| src.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| src.to_path_buf())
        .display()
        .to_string()
}

/// `cannot <what> <src>: <the tool's first error, at its file:line>`, then
/// the tool's output.
fn tool_error(what: &str, src: &str, run: &ptu_tools::run::Run) -> anyhow::Error {
    anyhow!(
        "cannot {what} {src}: {}\n{} ({}) said:\n{}",
        first_error(&run.output),
        run.tool,
        run.status_text(),
        run.output.trim_end()
    )
}

/// The tool's first error line, with the file named by its last component
/// (`alu.S:12:5: error: ...`). An error inside a macro is placed at the
/// line that used the macro (llvm-mc's last "while in macro
/// instantiation" note), with the expanded line quoted.
pub fn first_error(output: &str) -> String {
    let lines: Vec<&str> = output.lines().collect();
    let Some(at) = lines.iter().position(|l| l.contains("error:")) else {
        return lines.first().unwrap_or(&"no message").trim().to_string();
    };
    let first = lines[at].trim();
    if let Some(rest) = first.strip_prefix("<instantiation>") {
        let msg = rest.split_once("error:").map_or(rest, |(_, m)| m).trim();
        let expanded = lines.get(at + 1).map_or("", |l| l.trim());
        let used = lines[at + 1..]
            .iter()
            .take_while(|l| !l.contains("error:"))
            .filter(|l| l.contains("note: while in macro instantiation"))
            .filter(|l| !l.starts_with("<instantiation>"))
            .last();
        if let Some(used) = used {
            let loc = used.split(": note:").next().unwrap_or("").trim();
            return format!(
                "{}: error: {msg} (in a macro: `{expanded}`)",
                short_file(loc)
            );
        }
    }
    // ld.lld says where a symbol is used on the next line:
    // `>>> referenced by bad.S:3 (src/bad.S:3)`.
    if let Some(r) = lines
        .get(at + 1)
        .and_then(|l| l.trim().strip_prefix(">>> referenced by "))
    {
        let place = r.split(" (").next().unwrap_or(r);
        return format!("{} (referenced by {place})", short_file(first));
    }
    short_file(first)
}

/// `/a/b/alu.S:12:5: rest` becomes `alu.S:12:5: rest`.
fn short_file(line: &str) -> String {
    match line.split_once(".S:") {
        Some((path, rest)) if !path.contains(' ') => {
            let file = Path::new(path).file_name().map(|f| f.to_string_lossy());
            format!("{}.S:{rest}", file.unwrap_or_default())
        }
        _ => line.to_string(),
    }
}
