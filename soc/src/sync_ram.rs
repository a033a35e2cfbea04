//! `SyncRam`: a 64-bit-wide (or `D`-bit) memory with one synchronous read port and one
//! write port on one clock, the shape FPGA block RAMs have.
//!
//! rust-hdl's `RAM` keeps its contents in a `BTreeMap` and writes every
//! word of its `initial` block, zero or not; this block keeps a `Vec` (fast
//! to simulate) and can be smaller than its address port
//! ([`SyncRam::new`]'s `words`), so the SoC's equivalence proof can run
//! on a small RAM with the same ports. Its Verilog is the textbook
//! block-RAM template: `read_data <= mem[read_address]` at every rising
//! edge, and `mem[write_address] <= write_data` with `write_enable` (a read
//! of the word being written returns the old value).

use rust_hdl::prelude::*;

/// A synchronous RAM of `words` words of `D` bits (64 unless said; a
/// power of two, at most `2^N`), addressed by word.
#[derive(LogicBlock)]
pub struct SyncRam<const N: usize, const D: usize = 64> {
    /// Clock of both ports.
    pub clock: Signal<In, Clock>,
    /// The word read at the next rising edge.
    pub read_address: Signal<In, Bits<N>>,
    /// The word at `read_address` as it was before the last rising edge.
    pub read_data: Signal<Out, Bits<D>>,
    /// The word written at the next rising edge when `write_enable`.
    pub write_address: Signal<In, Bits<N>>,
    /// The value written.
    pub write_data: Signal<In, Bits<D>>,
    /// Write `write_data` at `write_address` at the next rising edge.
    pub write_enable: Signal<In, Bit>,
    _mem: Vec<u64>,
    _address_bits: usize,
    _initial: bool,
}

impl<const N: usize, const D: usize> SyncRam<N, D> {
    /// A RAM of `words` words (a power of two, at most `2^N`) holding
    /// `image` from word 0 (the rest zero). The image is the Verilog's
    /// `initial` contents too, written when `initial` is set.
    pub fn new(words: usize, image: &[u64], initial: bool) -> Self {
        assert!(
            words.is_power_of_two()
                && words <= (1 << N)
                && image.len() <= words
                && (D == 64 || image.iter().all(|w| *w >> D == 0)),
            "SyncRam: {words} words (image {}) for a {N}-bit address",
            image.len()
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
            _mem: mem,
            _address_bits: words.trailing_zeros() as usize,
            _initial: initial,
        }
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
}

impl<const N: usize, const D: usize> Logic for SyncRam<N, D> {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            let r = self.index(self.read_address.val());
            self.read_data.next = self._mem[r].into();
            if self.write_enable.val() {
                let w = self.index(self.write_address.val());
                self._mem[w] = self.write_data.val().to_u64();
            }
        }
    }

    fn connect(&mut self) {
        self.read_data.connect();
    }

    fn hdl(&self) -> Verilog {
        let sel = |port: &str| {
            if self._address_bits == N {
                port.to_string()
            } else if self._address_bits == 0 {
                "1'b0".to_string()
            } else {
                format!("{port}[{}:0]", self._address_bits - 1)
            }
        };
        let init = if self._initial && self._mem.iter().any(|w| *w != 0) {
            let lines: Vec<String> = self
                ._mem
                .iter()
                .enumerate()
                .filter(|(_, w)| **w != 0)
                .map(|(i, w)| format!("   mem[{i}] = {D}'h{w:0width$x};", width = D / 4))
                .collect();
            format!("initial begin\n{}\nend\n", lines.join("\n"))
        } else {
            String::new()
        };
        Verilog::Custom(format!(
            "// Module name: sync_ram_a{N}_w{words}{width}{tag}\n\
             reg [{msb}:0] mem[{last}:0];\n\
             {init}\n\
             always @(posedge clock) begin\n\
             \x20  read_data <= mem[{ra}];\n\
             \x20  if (write_enable) begin\n\
             \x20     mem[{wa}] <= write_data;\n\
             \x20  end\n\
             end\n",
            words = self._mem.len(),
            tag = if init.is_empty() { "" } else { "_image" },
            last = self._mem.len() - 1,
            msb = D - 1,
            width = if D == 64 {
                String::new()
            } else {
                format!("_d{D}")
            },
            ra = sel("read_address"),
            wa = sel("write_address"),
        ))
    }

    fn timing(&self) -> Vec<TimingInfo> {
        vec![TimingInfo {
            name: "sync_ram".into(),
            clock: "clock".into(),
            inputs: vec![
                "read_address".into(),
                "write_address".into(),
                "write_data".into(),
                "write_enable".into(),
            ],
            outputs: vec!["read_data".into()],
        }]
    }
}
