//! `SocRam`: the SoC's RAM, 64-bit words (or `D`-bit: 16, 32 or 48)
//! behind [`SyncRam`]'s ports, built one of two ways ([`RamKind`]):
//!
//! * **Inferred** block RAM: [`SyncRam`]'s Verilog (the textbook template,
//!   the image as `initial` contents, so the bitstream loads it). The
//!   ECP5 and the simulations use it.
//! * **`Up5kSpram`**: the iCE40UP5K's single-port RAM, `SB_SPRAM256KA`
//!   (16K × 16 bits each, synchronous read, one port, a nibble write
//!   mask), [`SocRam::SPRAM_LANES`] of them side by side, 16 bits each:
//!   four for a 64-bit word (16K × 64 bits, 128 KiB; the SoC uses the
//!   first `words`), two for a 32-bit one (16K × 32, 64 KiB). SPRAM has
//!   no initial contents in the bitstream, so this kind **copies the
//!   image in at power-up**: a boot ROM (inferred, so in `SB_RAM40_4K`,
//!   loaded with the bitstream) holds the image's non-zero runs packed
//!   ([`Segment`]), and a copier walks every word of the RAM once, writing
//!   the ROM's next word inside a run and zero outside it (SPRAM powers
//!   up undefined). That takes [`SocRam::boot_cycles`] clocks (`words +
//!   1`); meanwhile `booting` is high and the SoC holds itself in reset.
//!   The copy runs once, from configuration (its registers start with the
//!   bitstream): a reset afterwards (the board's run button) does not copy
//!   again, as block RAM is not reloaded either.
//!
//! Both kinds have the same ports: a read address, a write address (the
//! SPRAM has one port: a write uses the write address, a read the read
//! address; the SoC drives both alike), and `booting` (always low for
//! block RAM). One difference the SoC does not see: after a write, SPRAM's
//! read data is undefined (the model keeps the last word read), block
//! RAM's is the old word.
//!
//! The Rust model keeps the words in a `Vec` (the image from the start:
//! the copy writes the same words) and counts the boot's cycles, so
//! rust-hdl runs the SoC with either kind, the SPRAM's boot included.

use crate::sync_ram::SyncRam;
use rust_hdl::prelude::*;

/// How the SoC's RAM is built (a field of [`crate::soc::SocConfig`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RamKind {
    /// Block RAM that the synthesis tool infers, loaded with the bitstream.
    #[default]
    Inferred,
    /// The iCE40UP5K's `SB_SPRAM256KA`s, loaded at power-up from a boot ROM.
    Up5kSpram,
}

impl RamKind {
    /// Its name in the emitted Verilog's header and in messages.
    pub fn describe(&self) -> &'static str {
        match self {
            RamKind::Inferred => "inferred block RAM",
            RamKind::Up5kSpram => {
                "iCE40UP5K SPRAM (SB_SPRAM256KA), loaded at power-up from a boot ROM"
            }
        }
    }
}

/// One run of the image that the boot ROM holds: words `first..=last` of
/// the RAM are the ROM's next `last - first + 1` words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    /// The run's first word (RAM word index).
    pub first: usize,
    /// Its last word.
    pub last: usize,
}

impl Segment {
    /// Words in the run.
    pub fn len(&self) -> usize {
        self.last + 1 - self.first
    }

    /// A run has at least one word.
    pub fn is_empty(&self) -> bool {
        false
    }
}

/// Most runs the copier's table holds: the image's runs of non-zero words
/// are merged across their shortest gaps (the gap's zeros then go into
/// the ROM) until this many are left.
pub const MAX_SEGMENTS: usize = 8;

/// Runs of non-zero words shorter apart than this are one run (a few
/// zeros in the ROM are cheaper than a row of the table).
const MERGE_GAP: usize = 8;

/// The runs of `image` the boot ROM holds (see [`Segment`]).
pub fn segments(image: &[u64]) -> Vec<Segment> {
    let mut runs: Vec<Segment> = Vec::new();
    for (i, w) in image.iter().enumerate() {
        if *w == 0 {
            continue;
        }
        match runs.last_mut() {
            Some(s) if i - s.last <= MERGE_GAP => s.last = i,
            _ => runs.push(Segment { first: i, last: i }),
        }
    }
    while runs.len() > MAX_SEGMENTS {
        let k = (1..runs.len())
            .min_by_key(|&k| runs[k].first - runs[k - 1].last)
            .unwrap();
        runs[k - 1].last = runs[k].last;
        runs.remove(k);
    }
    runs
}

/// Bits to count to `n - 1` (at least 1).
fn bits_for(n: usize) -> usize {
    (usize::BITS - n.saturating_sub(1).leading_zeros()).max(1) as usize
}

/// The SoC's RAM: `words` words of `D` bits (64 unless said; a power of
/// two, at most `2^N`) of the kind asked for (see the module
/// documentation).
#[derive(LogicBlock)]
pub struct SocRam<const N: usize, const D: usize = 64> {
    /// Clock of the port.
    pub clock: Signal<In, Clock>,
    /// The word read at the next rising edge (without `write_enable`).
    pub read_address: Signal<In, Bits<N>>,
    /// The word at `read_address` as it was before the last rising edge.
    pub read_data: Signal<Out, Bits<D>>,
    /// The word written at the next rising edge when `write_enable`.
    pub write_address: Signal<In, Bits<N>>,
    /// The value written.
    pub write_data: Signal<In, Bits<D>>,
    /// Write `write_data` at `write_address` at the next rising edge.
    pub write_enable: Signal<In, Bit>,
    /// The image is being copied in (SPRAM, after configuration): the RAM
    /// takes no reads or writes, and its user waits.
    pub booting: Signal<Out, Bit>,
    _mem: Vec<u64>,
    _image: Vec<u64>,
    _initial: bool,
    _kind: RamKind,
    _boot_left: u64,
}

impl<const N: usize, const D: usize> SocRam<N, D> {
    /// `SB_SPRAM256KA`s side by side for a word (16 bits each).
    pub const SPRAM_LANES: usize = D / 16;
    /// Words of one `SB_SPRAM256KA`.
    pub const SPRAM_WORDS: usize = 16 * 1024;

    /// A RAM of `kind` with `words` words (a power of two, at most `2^N`;
    /// SPRAM: at most 16K) holding `image` from word 0 (the rest zero).
    /// With `initial` the image is in the Verilog (block RAM's `initial`
    /// contents, or SPRAM's boot ROM); without it the Verilog's RAM starts
    /// empty (SPRAM: zero) and its user loads it.
    pub fn new(kind: RamKind, words: usize, image: &[u64], initial: bool) -> Self {
        assert!(
            words.is_power_of_two()
                && words <= (1 << N)
                && image.len() <= words
                && [16, 32, 48, 64].contains(&D)
                && (D == 64 || image.iter().all(|w| *w >> D == 0)),
            "SocRam: {words} words of {D} bits (image {}) for a {N}-bit address",
            image.len()
        );
        assert!(
            kind == RamKind::Inferred || words <= Self::SPRAM_WORDS,
            "SocRam: {words} words do not fit the SPRAM's {}",
            Self::SPRAM_WORDS
        );
        let mut mem = vec![0u64; words];
        mem[..image.len()].copy_from_slice(image);
        Self {
            clock: Default::default(),
            read_address: Default::default(),
            read_data: Default::default(),
            write_address: Default::default(),
            write_data: Default::default(),
            write_enable: Default::default(),
            booting: Default::default(),
            _mem: mem,
            _image: image.to_vec(),
            _initial: initial,
            _kind: kind,
            _boot_left: Self::boot_cycles(kind, words),
        }
    }

    /// Clock edges from configuration until `booting` falls: none for
    /// block RAM; for SPRAM one per word and one more (the copier's last
    /// write is a cycle behind its ROM read).
    pub fn boot_cycles(kind: RamKind, words: usize) -> u64 {
        match kind {
            RamKind::Inferred => 0,
            RamKind::Up5kSpram => words as u64 + 1,
        }
    }

    /// The kind of RAM.
    pub fn kind(&self) -> RamKind {
        self._kind
    }

    /// The word at `index` (wrapping like the hardware's address).
    pub fn word(&self, index: usize) -> u64 {
        self._mem[index & (self._mem.len() - 1)]
    }

    /// Every word.
    pub fn words(&self) -> &[u64] {
        &self._mem
    }

    fn index(&self, a: Bits<N>) -> usize {
        (a.to_u64() as usize) & (self._mem.len() - 1)
    }

    /// Block RAM of `D`-bit words ([`SyncRam`]'s template, which is
    /// 64 bits wide).
    fn inferred_verilog(&self) -> String {
        let words = self._mem.len();
        let abits = bits_for(words);
        let sel = |port: &str| {
            if abits == N {
                port.to_string()
            } else {
                format!("{port}[{}:0]", abits - 1)
            }
        };
        let mut init = String::new();
        if self._initial && self._image.iter().any(|w| *w != 0) {
            init.push_str("initial begin\n");
            for (i, w) in self._image.iter().enumerate().filter(|(_, w)| **w != 0) {
                init.push_str(&format!(
                    "   mem[{i}] = {D}'h{w:0digits$x};\n",
                    digits = D / 4
                ));
            }
            init.push_str("end\n");
        }
        format!(
            "// Module name: soc_ram_a{N}_w{words}_d{D}{tag}\n\
             reg [{msb}:0] mem[{last}:0];\n\
             {init}\
             initial booting = 1'b0;\n\
             always @(posedge clock) begin\n\
             \x20  booting <= 1'b0;\n\
             \x20  read_data <= mem[{ra}];\n\
             \x20  if (write_enable) begin\n\
             \x20     mem[{wa}] <= write_data;\n\
             \x20  end\n\
             end\n",
            tag = if init.is_empty() { "" } else { "_image" },
            msb = D - 1,
            last = words - 1,
            ra = sel("read_address"),
            wa = sel("write_address"),
        )
    }

    /// The SPRAM kind's Verilog (see the module documentation).
    fn spram_verilog(&self) -> String {
        let words = self._mem.len();
        let abits = bits_for(words);
        let lanes = Self::SPRAM_LANES;
        let width = D;
        let image: &[u64] = if self._initial { &self._image } else { &[] };
        let segs = segments(image);
        let rom: Vec<u64> = segs
            .iter()
            .flat_map(|s| image[s.first..=s.last].iter().copied())
            .collect();
        let sel = |port: &str| {
            if abits == N {
                port.to_string()
            } else {
                format!("{port}[{}:0]", abits - 1)
            }
        };
        let pad = if abits < 14 {
            format!("{}'d0, ", 14 - abits)
        } else {
            String::new()
        };
        let mut v = String::new();
        let mut line = |s: String| {
            v.push_str(&s);
            v.push('\n');
        };
        line(format!(
            "// Module name: spram_up5k_a{N}_w{words}{}",
            if rom.is_empty() { "" } else { "_boot" }
        ));
        line(format!(
            "// {lanes} SB_SPRAM256KA side by side ({width}-bit words). SPRAM has no initial\n\
             // contents: after configuration the copier writes every word once, the boot\n\
             // ROM's next word inside a run of the image and zero outside ({} runs, {} ROM words),\n\
             // while `booting` holds the SoC.",
            segs.len(),
            rom.len()
        ));
        line("reg boot_busy;".into());
        line("reg boot_we;".into());
        line(format!("reg [{}:0] boot_addr;", abits - 1));
        line(format!("reg [{}:0] boot_wa;", abits - 1));
        line("wire [13:0] sp_addr;".into());
        line(format!("wire [{}:0] sp_din;", width - 1));
        line(format!("wire [{}:0] sp_dout;", width - 1));
        line("wire sp_we;".into());
        let (ptr_bits, seg_bits) = (bits_for(rom.len()), bits_for(segs.len() + 1));
        if !rom.is_empty() {
            line("reg boot_wsel;".into());
            line(format!("reg [{}:0] boot_seg;", seg_bits - 1));
            line(format!("reg [{}:0] boot_ptr;", ptr_bits - 1));
            line(format!("reg [{}:0] boot_q;", width - 1));
            line(format!(
                "reg [{}:0] boot_rom[{}:0];",
                width - 1,
                rom.len() - 1
            ));
            line(format!("reg [{}:0] seg_first;", abits - 1));
            line(format!("reg [{}:0] seg_last;", abits - 1));
            line("reg seg_valid;".into());
            line("wire boot_in;".into());
        }
        line("initial begin".into());
        line("   boot_busy = 1'b1;".into());
        line("   boot_we = 1'b0;".into());
        line(format!("   boot_addr = {abits}'d0;"));
        line(format!("   boot_wa = {abits}'d0;"));
        if !rom.is_empty() {
            line("   boot_wsel = 1'b0;".into());
            line(format!("   boot_seg = {seg_bits}'d0;"));
            line(format!("   boot_ptr = {ptr_bits}'d0;"));
            line(format!("   boot_q = {width}'d0;"));
            for (i, w) in rom.iter().enumerate() {
                line(format!(
                    "   boot_rom[{i}] = {width}'h{w:0digits$x};",
                    digits = width / 4
                ));
            }
        }
        line("end".into());
        if !rom.is_empty() {
            // The run the copier is in or before.
            line("always @(*) begin".into());
            for (k, s) in segs.iter().enumerate() {
                line(format!(
                    "   {}if (boot_seg == {seg_bits}'d{k}) begin\n\
                     \x20     seg_valid = 1'b1;\n\
                     \x20     seg_first = {abits}'d{};\n\
                     \x20     seg_last = {abits}'d{};\n\
                     \x20  end",
                    if k == 0 { "" } else { "else " },
                    s.first,
                    s.last
                ));
            }
            line(format!(
                "   else begin\n\
                 \x20     seg_valid = 1'b0;\n\
                 \x20     seg_first = {abits}'d0;\n\
                 \x20     seg_last = {abits}'d0;\n\
                 \x20  end\n\
                 end"
            ));
            line("assign boot_in = seg_valid & (boot_addr >= seg_first);".into());
            line("always @(posedge clock) begin".into());
            line("   boot_q <= boot_rom[boot_ptr];".into());
            line("end".into());
        }
        line("always @(posedge clock) begin".into());
        line("   boot_we <= boot_busy;".into());
        line("   boot_wa <= boot_addr;".into());
        if !rom.is_empty() {
            line("   boot_wsel <= boot_in;".into());
        }
        line("   if (boot_busy) begin".into());
        line(format!("      boot_addr <= boot_addr + {abits}'d1;"));
        line(format!(
            "      if (boot_addr == {abits}'d{}) begin\n\
             \x20        boot_busy <= 1'b0;\n\
             \x20     end",
            words - 1
        ));
        if !rom.is_empty() {
            line(format!(
                "      if (boot_in) begin\n\
                 \x20        boot_ptr <= boot_ptr + {ptr_bits}'d1;\n\
                 \x20        if (boot_addr == seg_last) begin\n\
                 \x20           boot_seg <= boot_seg + {seg_bits}'d1;\n\
                 \x20        end\n\
                 \x20     end"
            ));
        }
        line("   end".into());
        line("end".into());
        line("assign sp_we = boot_we | (~boot_busy & write_enable);".into());
        line(format!(
            "assign sp_addr = boot_we ? {{{pad}boot_wa}} : write_enable ? {{{pad}{}}} : {{{pad}{}}};",
            sel("write_address"),
            sel("read_address")
        ));
        if rom.is_empty() {
            line(format!(
                "assign sp_din = boot_we ? {width}'d0 : write_data;"
            ));
        } else {
            line(format!(
                "assign sp_din = boot_we ? (boot_wsel ? boot_q : {width}'d0) : write_data;"
            ));
        }
        for k in 0..lanes {
            let (hi, lo) = (16 * k + 15, 16 * k);
            line(format!(
                "SB_SPRAM256KA spram_{k} (\n\
                 \x20  .ADDRESS(sp_addr),\n\
                 \x20  .DATAIN(sp_din[{hi}:{lo}]),\n\
                 \x20  .MASKWREN(4'b1111),\n\
                 \x20  .WREN(sp_we),\n\
                 \x20  .CHIPSELECT(1'b1),\n\
                 \x20  .CLOCK(clock),\n\
                 \x20  .STANDBY(1'b0),\n\
                 \x20  .SLEEP(1'b0),\n\
                 \x20  .POWEROFF(1'b1),\n\
                 \x20  .DATAOUT(sp_dout[{hi}:{lo}])\n\
                 );"
            ));
        }
        line("always @(*) begin".into());
        line("   read_data = sp_dout;".into());
        line("   booting = boot_busy | boot_we;".into());
        line("end".into());
        v
    }
}

impl<const N: usize, const D: usize> Logic for SocRam<N, D> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            if self._boot_left > 0 {
                // The copier owns the port; the words are the image already.
                self._boot_left -= 1;
            } else if self.write_enable.val() {
                if self._kind == RamKind::Inferred {
                    // Block RAM reads the old word while it writes.
                    let r = self.index(self.read_address.val());
                    self.read_data.next = self._mem[r].into();
                }
                let w = self.index(self.write_address.val());
                self._mem[w] = self.write_data.val().to_u64();
            } else {
                let r = self.index(self.read_address.val());
                self.read_data.next = self._mem[r].into();
            }
        }
        self.booting.next = self._boot_left > 0;
    }

    fn connect(&mut self) {
        self.read_data.connect();
        self.booting.connect();
    }

    fn hdl(&self) -> Verilog {
        match self._kind {
            RamKind::Inferred if D != 64 => Verilog::Custom(self.inferred_verilog()),
            RamKind::Inferred => {
                let ram = SyncRam::<N>::new(self._mem.len(), &self._image, self._initial);
                match ram.hdl() {
                    // `booting` is a register that stays 0 (a constant
                    // `always @(*)` would never run in Icarus).
                    Verilog::Custom(code) => Verilog::Custom(format!(
                        "{code}initial booting = 1'b0;\n\
                         always @(posedge clock) booting <= 1'b0;\n"
                    )),
                    other => other,
                }
            }
            RamKind::Up5kSpram => Verilog::Custom(self.spram_verilog()),
        }
    }

    fn timing(&self) -> Vec<TimingInfo> {
        vec![TimingInfo {
            name: "soc_ram".into(),
            clock: "clock".into(),
            inputs: vec![
                "read_address".into(),
                "write_address".into(),
                "write_data".into(),
                "write_enable".into(),
            ],
            outputs: vec!["read_data".into(), "booting".into()],
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_merge_across_short_gaps_and_down_to_the_table_size() {
        let mut image = vec![0u64; 200];
        image[0] = 1;
        image[5] = 2; // gap of 4 zeros: same run
        image[40] = 3; // a new run
        image[41] = 4;
        assert_eq!(
            segments(&image),
            vec![
                Segment { first: 0, last: 5 },
                Segment {
                    first: 40,
                    last: 41
                }
            ]
        );
        let mut many = vec![0u64; 1000];
        for k in 0..12 {
            many[k * 50 + (k % 3)] = 7;
        }
        let s = segments(&many);
        assert_eq!(s.len(), MAX_SEGMENTS);
        // Every non-zero word is inside a run, and runs are in order.
        for (i, w) in many.iter().enumerate() {
            if *w != 0 {
                assert!(s.iter().any(|r| r.first <= i && i <= r.last), "word {i}");
            }
        }
        assert!(s.windows(2).all(|p| p[0].last < p[1].first));
        assert!(segments(&[0, 0, 0]).is_empty());
    }

    #[test]
    fn bits_for_counts_to_n_minus_one() {
        assert_eq!(bits_for(1), 1);
        assert_eq!(bits_for(2), 1);
        assert_eq!(bits_for(3), 2);
        assert_eq!(bits_for(8192), 13);
        assert_eq!(bits_for(419), 9);
    }
}
