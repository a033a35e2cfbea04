//! `ptu soc`: run a program on the SoC (the RISC-V core whose pc, sp and
//! tp are the unit's, `docs/soc.md`).

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use ptu_arch::parse_u64;
use ptu_soc::map::ToHost;
use ptu_soc::run::{run, RunOptions};
use ptu_soc::soc::SocConfig;
use ptu_tools::check_failed;
use std::path::{Path, PathBuf};

/// `ptu soc`.
#[derive(Args)]
pub struct SocArgs {
    #[command(subcommand)]
    what: SocWhat,
}

#[derive(Subcommand)]
enum SocWhat {
    /// Run a program (flat binary loaded at 0, or an ELF) on the rust-hdl
    /// SoC until it stores to tohost: exit 0 when it stores 1, 1 when it
    /// reports a failed test, 2 when it never stores within --max-cycles.
    #[command(
        after_help = "Examples:\n  ptu soc run --program prog.bin\n  ptu soc run --program prog.elf --max-cycles 1000000 --nmi-at 5000 --vcd waveforms/prog.vcd\n  ptu soc run --program prog.bin --sim verilator          the emitted Verilog, built in build/soc-verilator"
    )]
    Run(RunArgs),
}

#[derive(Args)]
struct RunArgs {
    /// The program: a flat binary (loaded at address 0) or an ELF file.
    #[arg(long)]
    program: PathBuf,
    /// Stop with an error after this many cycles without a tohost store.
    #[arg(long, default_value_t = 10_000_000, value_parser = parse_cycles)]
    max_cycles: u64,
    /// Raise the NMI input at this cycle (repeatable).
    #[arg(long, value_parser = parse_u64)]
    nmi_at: Vec<u64>,
    /// Write a VCD of every signal of the SoC to this file (rust-hdl only).
    #[arg(long)]
    vcd: Option<PathBuf>,
    /// The simulator: rust-hdl's (the design itself) or Verilator (the
    /// emitted ptu_soc.v, built in --work).
    #[arg(long, value_enum, default_value_t = Sim::RustHdl)]
    sim: Sim,
    /// Folder for the Verilator build (the emitted ptu_soc.v, the harness,
    /// obj_dir/ and the build log).
    #[arg(long, default_value = "build/soc-verilator")]
    work: PathBuf,
}

/// Which simulator runs the SoC.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Sim {
    /// rust-hdl's simulation of the design, stepped one clock at a time.
    RustHdl,
    /// Verilator, from the emitted Verilog.
    Verilator,
}

fn parse_cycles(s: &str) -> std::result::Result<u64, String> {
    match parse_u64(s) {
        Ok(0) => Err("--max-cycles must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

/// `ptu soc ...`.
pub fn soc(args: &SocArgs) -> Result<()> {
    match &args.what {
        SocWhat::Run(a) => run_program(a),
    }
}

fn run_program(a: &RunArgs) -> Result<()> {
    let image = load(&a.program)?;
    let cfg = SocConfig::new(image);
    let opts = RunOptions {
        max_cycles: a.max_cycles,
        nmi_at: a.nmi_at.clone(),
        trace: false,
        vcd: a.vcd.clone(),
    };
    let out = match a.sim {
        Sim::RustHdl => run(&cfg, &opts)?,
        Sim::Verilator => ptu_soc::verilator::run(&cfg, &opts, &a.work)?,
    };
    if !out.uart.is_empty() {
        println!("uart: {}", out.uart_text().trim_end_matches('\n'));
    }
    let stats = match a.sim {
        Sim::RustHdl => format!(
            "{} cycles, {} instructions retired",
            out.cycles, out.instret
        ),
        Sim::Verilator => format!("{} cycles, Verilator", out.cycles),
    };
    if let Some(v) = &a.vcd {
        println!("wrote {}", v.display());
    }
    match out.verdict() {
        Some(ToHost::Pass) => {
            println!("PASS: {} ({stats})", a.program.display());
            Ok(())
        }
        Some(ToHost::Fail(n)) => {
            check_failed!("FAIL: {}: test {n} failed ({stats})", a.program.display())
        }
        Some(ToHost::Other(v)) => check_failed!(
            "FAIL: {} stored {v:#x} to tohost, not a verdict (1 passes, (n << 1) | 1 fails test n) ({stats})",
            a.program.display()
        ),
        None if out.shutdown => check_failed!(
            "FAIL: {}: the unit shut down (a triple fault: a frame push failed twice, e.g. ENTRY_CRIT/CSTACK or the kernel sp not set) ({stats})",
            a.program.display()
        ),
        None => bail!(
            "{} did not store to tohost within {} cycles ({stats}): raise --max-cycles, or end the program with a store to tohost (0x10000018)",
            a.program.display(),
            a.max_cycles
        ),
    }
}

/// The RAM image of a flat binary, or of an ELF file's loadable segments.
fn load(path: &Path) -> Result<Vec<u8>> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read the program {}", path.display()))?;
    if bytes.is_empty() {
        bail!(
            "{} is empty: give a flat binary or an ELF file",
            path.display()
        );
    }
    if bytes.starts_with(b"\x7fELF") {
        return elf_image(&bytes).with_context(|| format!("{}", path.display()));
    }
    Ok(bytes)
}

/// PT_LOAD segments of a little-endian ELF64 at their physical addresses.
fn elf_image(b: &[u8]) -> Result<Vec<u8>> {
    let u16_at = |o: usize| -> Result<u64> {
        b.get(o..o + 2)
            .map(|s| u16::from_le_bytes([s[0], s[1]]) as u64)
            .context("truncated ELF file")
    };
    let u32_at = |o: usize| -> Result<u64> {
        b.get(o..o + 4)
            .map(|s| u32::from_le_bytes(s.try_into().unwrap()) as u64)
            .context("truncated ELF file")
    };
    let u64_at = |o: usize| -> Result<u64> {
        b.get(o..o + 8)
            .map(|s| u64::from_le_bytes(s.try_into().unwrap()))
            .context("truncated ELF file")
    };
    if b.get(4) != Some(&2) || b.get(5) != Some(&1) || u16_at(18)? != 243 {
        bail!("not a little-endian 64-bit RISC-V ELF file: build for rv64 (e.g. -march=rv64i)");
    }
    let (phoff, phentsize, phnum) = (u64_at(32)?, u16_at(54)?, u16_at(56)?);
    let ram = ptu_soc::map::RAM_BYTES;
    let mut image = Vec::new();
    for i in 0..phnum {
        let h = (phoff + i * phentsize) as usize;
        if u32_at(h)? != 1 {
            continue; // not PT_LOAD
        }
        let (offset, paddr, filesz, memsz) = (
            u64_at(h + 8)?,
            u64_at(h + 24)?,
            u64_at(h + 32)?,
            u64_at(h + 40)?,
        );
        if paddr + memsz > ram {
            bail!(
                "a segment at {paddr:#x} ({memsz} bytes) is outside the SoC's {ram}-byte RAM: link the program at 0"
            );
        }
        let data = b
            .get(offset as usize..(offset + filesz) as usize)
            .context("truncated ELF segment")?;
        let end = (paddr + memsz) as usize;
        if image.len() < end {
            image.resize(end, 0);
        }
        image[paddr as usize..paddr as usize + data.len()].copy_from_slice(data);
    }
    if image.is_empty() {
        bail!("no loadable segment in the ELF file");
    }
    Ok(image)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A little-endian RISC-V ELF64 with one PT_LOAD segment of `data` at
    /// `paddr` (memory size `memsz`).
    fn elf(data: &[u8], paddr: u64, memsz: u64) -> Vec<u8> {
        let mut b = vec![0u8; 64 + 56];
        b[..4].copy_from_slice(b"\x7fELF");
        b[4] = 2; // 64-bit
        b[5] = 1; // little-endian
        b[18..20].copy_from_slice(&243u16.to_le_bytes()); // RISC-V
        b[32..40].copy_from_slice(&64u64.to_le_bytes()); // phoff
        b[54..56].copy_from_slice(&56u16.to_le_bytes()); // phentsize
        b[56..58].copy_from_slice(&1u16.to_le_bytes()); // phnum
        let h = 64;
        b[h..h + 4].copy_from_slice(&1u32.to_le_bytes()); // PT_LOAD
        b[h + 8..h + 16].copy_from_slice(&120u64.to_le_bytes()); // offset
        b[h + 24..h + 32].copy_from_slice(&paddr.to_le_bytes());
        b[h + 32..h + 40].copy_from_slice(&(data.len() as u64).to_le_bytes());
        b[h + 40..h + 48].copy_from_slice(&memsz.to_le_bytes());
        b.extend_from_slice(data);
        b
    }

    #[test]
    fn elf_segments_land_at_their_physical_addresses() {
        let img = elf_image(&elf(&[1, 2, 3, 4], 0x10, 8)).unwrap();
        assert_eq!(img.len(), 0x18);
        assert_eq!(&img[0x10..0x18], &[1, 2, 3, 4, 0, 0, 0, 0]);
        assert!(img[..0x10].iter().all(|b| *b == 0));
    }

    #[test]
    fn elf_segments_outside_ram_and_other_machines_are_refused() {
        let e = elf_image(&elf(&[1], 0x1000_0000, 1)).unwrap_err();
        assert!(e.to_string().contains("outside the SoC's"), "{e}");
        let mut x = elf(&[1], 0, 1);
        x[18] = 62; // x86-64
        let e = elf_image(&x).unwrap_err();
        assert!(e.to_string().contains("RISC-V"), "{e}");
    }
}
