//! Cross-check the instruction-level model's RV64I arithmetic, loads and
//! stores against QEMU's (an independent implementation): each random
//! program of `ptu_soc::random` is run on the model up to its final
//! `ebreak`, and its user instructions are run again as a Linux program
//! under `qemu-riscv64` at the same addresses, with the same registers and
//! data area; then every register and the data area are compared.
//!
//! ```sh
//! apt-get install qemu-user     # not installed by ./setup.sh: this check is optional
//! cargo run --release -p ptu-soc --example qemu_check -- [PROGRAMS [ITEMS]]
//! ```
//!
//! Under Linux there is no kernel handler, so each `ecall` is replaced by
//! a jump to a stub that does what the handler does to user registers
//! (x30 += 1, x31 = 0) and jumps back; the final `ebreak` by a jump to a
//! routine that writes the registers and the data area to stdout.

use anyhow::{bail, Context, Result};
use ptu_soc::iss::{Config, Iss, Trace};
use ptu_soc::random::{generate, DATA, DATA_BYTES, TABLE};
use std::fmt::Write;
use std::path::Path;
use std::process::Command;

/// Where the register dump goes: just below the data area, so that the
/// data base register x28 reaches it.
const DUMP_BELOW: i64 = 1024;

fn main() {
    if let Err(e) = run() {
        eprintln!("qemu_check: {e:#}");
        std::process::exit(2);
    }
}

fn run() -> Result<()> {
    let arg = |k: usize, default: u64| -> Result<u64> {
        std::env::args().nth(k).map_or(Ok(default), |s| {
            s.parse()
                .with_context(|| format!("argument {k} ({s}) is not a number"))
        })
    };
    let (n, len) = (arg(1, 50)?, arg(2, 400)? as usize);
    let dir = ptu_soc::asm::build_dir().join("qemu");
    std::fs::create_dir_all(&dir)?;
    let (mut differ, mut retired) = (0, 0);
    for seed in 0..n {
        let (model, r) = on_model(seed, len)?;
        retired += r;
        let qemu = on_qemu(seed, len, &dir)?;
        let mut diffs = vec![];
        for r in (1..32).filter(|&r| r != 28) {
            if model[r] != qemu[r] {
                diffs.push(format!(
                    "x{r}: model 0x{:x}, qemu 0x{:x}",
                    model[r], qemu[r]
                ));
            }
        }
        if model[32..] != qemu[32..] {
            diffs.push("the data area differs".into());
        }
        if !diffs.is_empty() {
            differ += 1;
            println!("seed {seed}: {}", diffs.join("; "));
        }
    }
    println!(
        "{n} programs of {len} items, {retired} instructions retired on the model: {differ} differ from qemu-riscv64"
    );
    if differ > 0 {
        std::process::exit(1);
    }
    Ok(())
}

/// Registers x0..x31 (x2, x4: the user's sp and tp) then the data area's
/// words, at the final `ebreak`; and the instructions retired.
fn on_model(seed: u64, len: usize) -> Result<(Vec<u64>, u64)> {
    let rp = generate(seed, len);
    let mut iss = Iss::new(&rp.program, Config::default());
    loop {
        if !iss.step() {
            bail!("seed {seed}: the model ended before the final ebreak");
        }
        if let Some(Trace::Event { info, .. }) = iss.trace.last() {
            if (info >> 8) & 0xff == 3 {
                break;
            }
        }
    }
    let mut v = iss.regs.to_vec();
    v[2] = iss.unit.u_rsp;
    v[4] = iss.unit.u_gs;
    let data = &iss.ram[DATA as usize..(DATA + DATA_BYTES) as usize];
    v.extend(
        data.chunks(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap())),
    );
    Ok((v, iss.retired))
}

/// The same under qemu-riscv64.
fn on_qemu(seed: u64, len: usize, dir: &Path) -> Result<Vec<u64>> {
    let rp = generate(seed, len);
    let img = &rp.program.image;
    let word = |a: u64| u64::from_le_bytes(img[a as usize..a as usize + 8].try_into().unwrap());
    let mut s = String::from("    .section .user, \"ax\"\n");
    let mut stubs = String::new();
    let last = rp.user.len() - 1;
    for (k, (w, _)) in rp.user.iter().enumerate() {
        writeln!(s, "u{k}:")?;
        if k == last {
            writeln!(s, "    jal x0, dump")?;
        } else if *w == 0x0000_0073 {
            writeln!(s, "    jal x0, stub{k}")?;
            let next = k + 1;
            writeln!(
                stubs,
                "stub{k}:\n    addi x30, x30, 1\n    addi x31, x0, 0\n    jal x0, u{next}"
            )?;
        } else {
            writeln!(s, "    .word 0x{w:08x}")?;
        }
    }
    s.push_str("    .section .data, \"aw\"\n");
    for k in 0..DATA_BYTES / 8 {
        writeln!(s, "    .quad 0x{:x}", word(DATA + 8 * k))?;
    }
    s.push_str("    .section .text.start, \"ax\"\n    .globl _start\n_start:\n");
    writeln!(s, "    lui x31, 0x{:x}", 0xe)?;
    for r in 1..32 {
        writeln!(s, "    ld x{r}, {}(x31)", 8 * r)?;
    }
    s.push_str("    jal x0, u0\n");
    s.push_str(&stubs);
    s.push_str("dump:\n");
    for r in 1..32 {
        writeln!(s, "    sd x{r}, {}(x28)", -DUMP_BELOW + 8 * r)?;
    }
    let bytes = DUMP_BELOW as u64 + DATA_BYTES;
    writeln!(
        s,
        "    lui a1, 0x{:x}\n    addi a1, a1, -{DUMP_BELOW}\n    li a2, {bytes}\n    li a0, 1\n    li a7, 64\n    ecall\n    li a0, 0\n    li a7, 93\n    ecall",
        DATA >> 12
    )?;
    // The initial registers: the table's, with the user's sp and tp.
    s.push_str("    .section .table, \"aw\"\n");
    for r in 0..32u64 {
        let v = match r {
            2 => word(TABLE + 8 * 34),
            4 => word(TABLE + 8 * 35),
            _ => word(TABLE + 8 * r),
        };
        writeln!(s, "    .quad 0x{v:x}")?;
    }
    let (src, obj, elf, ld) = (
        dir.join("r.S"),
        dir.join("r.o"),
        dir.join("r.elf"),
        dir.join("r.ld"),
    );
    std::fs::write(&src, s)?;
    std::fs::write(
        &ld,
        format!(
            "ENTRY(_start)\nSECTIONS {{\n . = 0x8000; .user : {{ *(.user) }}\n . = 0x{:x}; .data : {{ . += {DUMP_BELOW}; *(.data) }}\n . = 0xD000; .text : {{ *(.text.start) }}\n . = 0xE000; .table : {{ *(.table) }}\n}}\n",
            DATA - DUMP_BELOW as u64
        ),
    )?;
    let tool = |c: &mut Command, name: &str| -> Result<Vec<u8>> {
        let o = c.output().with_context(|| {
            format!("cannot run {name} (qemu-riscv64: apt-get install qemu-user)")
        })?;
        if !o.status.success() {
            bail!(
                "{name} failed ({}): {}",
                o.status,
                String::from_utf8_lossy(&o.stderr)
            );
        }
        Ok(o.stdout)
    };
    tool(
        Command::new("llvm-mc")
            .args(["-triple=riscv64", "-mattr=-relax", "-filetype=obj", "-o"])
            .arg(&obj)
            .arg(&src),
        "llvm-mc",
    )?;
    tool(
        Command::new("ld.lld")
            .args(["-static", "-T"])
            .arg(&ld)
            .arg(&obj)
            .arg("-o")
            .arg(&elf),
        "ld.lld",
    )?;
    let out = tool(Command::new("qemu-riscv64").arg(&elf), "qemu-riscv64")?;
    if out.len() as u64 != bytes {
        bail!(
            "seed {seed}: qemu-riscv64 wrote {} bytes, not {bytes}",
            out.len()
        );
    }
    let w: Vec<u64> = out
        .chunks(8)
        .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
        .collect();
    let mut v = w[..32].to_vec();
    v.extend_from_slice(&w[(DUMP_BELOW / 8) as usize..]);
    Ok(v)
}
