//! A program image for the SoC's RAM, loaded from a flat binary (the
//! image of RAM from [`map::RAM_BASE`]) or from an ELF file (64-bit,
//! little-endian, RISC-V; its `PT_LOAD` segments are copied to their
//! physical addresses, the rest of RAM is zero). The file kind is told by
//! its first four bytes (`\x7fELF`).

use crate::map;
use anyhow::{anyhow, bail, Context, Result};
use std::path::Path;

/// What the core runs: the bytes of RAM from [`map::RAM_BASE`] (the rest
/// of RAM is zero). Execution starts at [`map::RAM_BASE`], the unit's
/// `RESET_RIP`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Program {
    /// For messages: the source's name (`isa/alu`) or the file's.
    pub name: String,
    /// RAM contents from [`map::RAM_BASE`]; at most [`map::RAM_BYTES`].
    pub image: Vec<u8>,
}

const ELF_MAGIC: &[u8; 4] = b"\x7fELF";
const ELFCLASS64: u8 = 2;
const ELFDATA2LSB: u8 = 1;
const EM_RISCV: u16 = 243;
const PT_LOAD: u32 = 1;

impl Program {
    /// A program from its RAM image, checked to fit in RAM.
    pub fn from_image(name: &str, image: Vec<u8>) -> Result<Self> {
        if image.len() as u64 > map::RAM_BYTES {
            bail!(
                "{name}: the image is {} bytes, more than the SoC's {} bytes of RAM: make the program smaller",
                image.len(),
                map::RAM_BYTES
            );
        }
        Ok(Program {
            name: name.to_string(),
            image,
        })
    }

    /// Load a flat binary or an ELF file, told apart by the ELF magic.
    pub fn from_file(path: &Path) -> Result<Self> {
        let bytes = std::fs::read(path)
            .with_context(|| format!("cannot read the program {}", path.display()))?;
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        Self::from_bytes(&name, &bytes).map_err(|e| anyhow!("{}: {e:#}", path.display()))
    }

    /// [`Program::from_file`] on bytes already read.
    pub fn from_bytes(name: &str, bytes: &[u8]) -> Result<Self> {
        if bytes.starts_with(ELF_MAGIC) {
            Self::from_elf(name, bytes)
        } else {
            Self::from_image(name, bytes.to_vec())
        }
    }

    /// Load the `PT_LOAD` segments of a 64-bit little-endian RISC-V ELF.
    pub fn from_elf(name: &str, b: &[u8]) -> Result<Self> {
        let not_riscv = |why: &str| {
            anyhow!("not a RISC-V ELF file ({why}): give an ELF64 little-endian RISC-V executable or a flat binary")
        };
        if !b.starts_with(ELF_MAGIC) {
            return Err(not_riscv("no ELF magic"));
        }
        if b.len() < 64 {
            return Err(not_riscv("the ELF header is cut short"));
        }
        if b[4] != ELFCLASS64 {
            return Err(not_riscv("not ELF64"));
        }
        if b[5] != ELFDATA2LSB {
            return Err(not_riscv("not little-endian"));
        }
        let machine = u16_at(b, 18)?;
        if machine != EM_RISCV {
            return Err(not_riscv(&format!(
                "e_machine is {machine}, RISC-V is {EM_RISCV}"
            )));
        }
        let entry = u64_at(b, 24)?;
        let phoff = u64_at(b, 32)? as usize;
        let phentsize = u16_at(b, 54)? as usize;
        let phnum = u16_at(b, 56)? as usize;
        if phnum > 0 && phentsize < 56 {
            return Err(not_riscv("program headers are too small"));
        }
        let ram = map::RAM_BASE..map::RAM_BASE + map::RAM_BYTES;
        if !ram.contains(&entry) || entry != map::RAM_BASE {
            bail!(
                "the entry point is 0x{entry:x}, but the core starts at 0x{:x} (RAM_BASE): link the program's entry there",
                map::RAM_BASE
            );
        }
        let mut image: Vec<u8> = Vec::new();
        for i in 0..phnum {
            let ph = phoff
                .checked_add(i * phentsize)
                .filter(|&o| o + 56 <= b.len())
                .ok_or_else(|| not_riscv("a program header lies past the end of the file"))?;
            if u32_at(b, ph)? != PT_LOAD {
                continue;
            }
            let offset = u64_at(b, ph + 8)?;
            let paddr = u64_at(b, ph + 24)?;
            let filesz = u64_at(b, ph + 32)?;
            let memsz = u64_at(b, ph + 40)?;
            if memsz == 0 {
                continue;
            }
            let end = paddr.saturating_add(memsz);
            if paddr < ram.start || end > ram.end {
                bail!(
                    "segment {i} at 0x{paddr:x}..0x{end:x} lies outside RAM (0x{:x}..0x{:x}): link it inside RAM (soc/programs/link.ld)",
                    ram.start,
                    ram.end
                );
            }
            if filesz > memsz {
                return Err(not_riscv(&format!(
                    "segment {i} has more file bytes than memory bytes"
                )));
            }
            let data = b
                .get(offset as usize..(offset + filesz) as usize)
                .ok_or_else(|| not_riscv(&format!("segment {i} lies past the end of the file")))?;
            let at = (paddr - ram.start) as usize;
            if image.len() < at + memsz as usize {
                image.resize(at + memsz as usize, 0);
            }
            image[at..at + data.len()].copy_from_slice(data);
            image[at + data.len()..at + memsz as usize].fill(0);
        }
        if image.is_empty() {
            bail!("the ELF file has no loadable segment: link it with soc/programs/link.ld");
        }
        Self::from_image(name, image)
    }
}

fn field(b: &[u8], at: usize, n: usize) -> Result<&[u8]> {
    b.get(at..at + n)
        .ok_or_else(|| anyhow!("not a RISC-V ELF file (cut short at byte {at})"))
}

fn u16_at(b: &[u8], at: usize) -> Result<u16> {
    Ok(u16::from_le_bytes(field(b, at, 2)?.try_into()?))
}

fn u32_at(b: &[u8], at: usize) -> Result<u32> {
    Ok(u32::from_le_bytes(field(b, at, 4)?.try_into()?))
}

fn u64_at(b: &[u8], at: usize) -> Result<u64> {
    Ok(u64::from_le_bytes(field(b, at, 8)?.try_into()?))
}
