// ptu_wave_tb: a tiny Icarus testbench for ptu-waveforms' producer test
// (waveforms/tests/producers.rs). It plays a stimulus file into the
// committed rtl/generated/ptu.v, with a zero-wait memory on the frame bus,
// and dumps a VCD, so that the transition summary of the same scenario can
// be compared between rust-hdl's simulator and Icarus.
//
//   vvp tb.vvp +stim=FILE.hex +vcd=OUT.vcd [+err_at=N]
//
// Stimulus: one 512-bit hex word per line, one core cycle each:
//   [0] reset [1] retire [2] op_syscall [3] op_eret [4] csr_re [5] csr_we
//   [6] exc_valid [7] exc_error_valid [8] rsp_we [9] gs_we [10] irq
//   [11] nmi [12] mce [13] settle: idle until busy is low, then one more
//   idle cycle [14] end
//   [23:16] csr_addr [31:24] exc_vector [63:32] exc_error [71:64] irq_vector
//   [191:128] next_rip [255:192] csr_wdata [319:256] exc_data
//   [383:320] rsp_wdata [447:384] gs_wdata
// Timing follows ptu-sim's stepping simulator: edge 0 is a reset edge,
// inputs change in the middle of a cycle (clock low), period 10 ns.
// +err_at=N answers bus access number N (0-based) with mem_err.
`timescale 1ps/1ps
module ptu_wave_tb;
    reg clock = 1'b0;
    reg reset = 1'b1;
    reg retire = 1'b0;
    reg [63:0] next_rip = 64'd0;
    reg rsp_we = 1'b0;
    reg [63:0] rsp_wdata = 64'd0;
    reg gs_we = 1'b0;
    reg [63:0] gs_wdata = 64'd0;
    reg op_syscall = 1'b0;
    reg op_eret = 1'b0;
    reg csr_re = 1'b0;
    reg csr_we = 1'b0;
    reg [7:0] csr_addr = 8'd0;
    reg [63:0] csr_wdata = 64'd0;
    reg exc_valid = 1'b0;
    reg [7:0] exc_vector = 8'd0;
    reg [31:0] exc_error = 32'd0;
    reg exc_error_valid = 1'b0;
    reg [63:0] exc_data = 64'd0;
    reg irq = 1'b0;
    reg [7:0] irq_vector = 8'd0;
    reg nmi = 1'b0;
    reg mce = 1'b0;
    wire [1:0] cpl;
    wire [63:0] rip, rsp, gs_base, csr_rdata, event_info, event_data;
    wire [63:0] mem_addr, mem_wdata, mem_rdata;
    wire irq_ack, redirect, busy, mem_valid, mem_we, mem_ready, mem_err, shutdown;

    ptu dut(
        .clock(clock), .reset(reset), .cpl(cpl), .rip(rip), .rsp(rsp),
        .gs_base(gs_base), .retire(retire), .next_rip(next_rip),
        .rsp_we(rsp_we), .rsp_wdata(rsp_wdata), .gs_we(gs_we),
        .gs_wdata(gs_wdata), .op_syscall(op_syscall), .op_eret(op_eret),
        .csr_re(csr_re), .csr_we(csr_we), .csr_addr(csr_addr),
        .csr_wdata(csr_wdata), .csr_rdata(csr_rdata), .exc_valid(exc_valid),
        .exc_vector(exc_vector), .exc_error(exc_error),
        .exc_error_valid(exc_error_valid), .exc_data(exc_data), .irq(irq),
        .irq_vector(irq_vector), .irq_ack(irq_ack), .nmi(nmi), .mce(mce),
        .redirect(redirect), .busy(busy), .event_info(event_info),
        .event_data(event_data), .mem_valid(mem_valid), .mem_we(mem_we),
        .mem_addr(mem_addr), .mem_wdata(mem_wdata), .mem_ready(mem_ready),
        .mem_rdata(mem_rdata), .mem_err(mem_err), .shutdown(shutdown));

    // Zero-wait memory of 64 words (address bits 8:3); unwritten words
    // read 0; it does not see reset, like ptu-sim's Memory.
    reg [63:0] mem [0:63];
    reg [31:0] answers = 32'd0;
    reg [31:0] err_at = 32'hffff_ffff;
    assign mem_ready = mem_valid;
    assign mem_err = mem_valid && answers == err_at;
    assign mem_rdata = (mem_valid && !mem_we && !mem_err) ? mem[mem_addr[8:3]] : 64'd0;
    always @(posedge clock) begin
        if (mem_valid) begin
            if (mem_we && !mem_err) mem[mem_addr[8:3]] <= mem_wdata;
            answers <= answers + 32'd1;
        end
    end

    reg [511:0] stim [0:1023];
    reg [511:0] s;
    reg [8*1024-1:0] stim_file;
    reg [8*1024-1:0] vcd_file;
    integer i;

    task apply(input [511:0] v);
        begin
            reset = v[0]; retire = v[1]; op_syscall = v[2]; op_eret = v[3];
            csr_re = v[4]; csr_we = v[5]; exc_valid = v[6];
            exc_error_valid = v[7]; rsp_we = v[8]; gs_we = v[9]; irq = v[10];
            nmi = v[11]; mce = v[12];
            csr_addr = v[23:16]; exc_vector = v[31:24]; exc_error = v[63:32];
            irq_vector = v[71:64]; next_rip = v[191:128];
            csr_wdata = v[255:192]; exc_data = v[319:256];
            rsp_wdata = v[383:320]; gs_wdata = v[447:384];
        end
    endtask

    // One rising edge, back to the middle of the next cycle.
    task step;
        begin
            #5000 clock = 1'b1;
            #5000 clock = 1'b0;
        end
    endtask

    initial begin
        if (!$value$plusargs("stim=%s", stim_file)) begin
            $display("ptu_wave_tb: give +stim=FILE");
            $finish;
        end
        if (!$value$plusargs("vcd=%s", vcd_file)) begin
            $display("ptu_wave_tb: give +vcd=FILE");
            $finish;
        end
        if (!$value$plusargs("err_at=%d", err_at)) err_at = 32'hffff_ffff;
        for (i = 0; i < 64; i = i + 1) mem[i] = 64'd0;
        for (i = 0; i < 1024; i = i + 1) stim[i] = 512'd0;
        stim[0][14] = 1'b1;
        $readmemh(stim_file, stim);
        $dumpfile(vcd_file);
        $dumpvars(0, ptu_wave_tb);
        // Edge 0: the reset edge (ptu-sim resets before it traces).
        step;
        i = 0;
        while (stim[i][14] !== 1'b1) begin
            s = stim[i];
            if (s[13]) begin
                apply(512'd0);
                while (busy) step;
                step;
            end else begin
                apply(s);
                step;
            end
            i = i + 1;
        end
        $finish;
    end
endmodule
