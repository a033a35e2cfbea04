# Loads and stores, RV64I and RV32I: sign and zero extension to the
# register, offsets both ways: lb, lh, lw, lbu, lhu, sb, sh, sw, and on
# RV64I ld, lwu, sd; fence and fence.i as no-ops. (A negative number is
# sign-extended to the register: test.inc, XMIN.)
    .include "test.inc"
    RVTEST_BEGIN

    TEST_LD_OP 2, lb, -1, 0, tdat
    TEST_LD_OP 3, lb, 0x00000000, 1, tdat
    TEST_LD_OP 4, lb, -0x10, 2, tdat                # ..fff0
    TEST_LD_OP 5, lb, 0x0000000f, 3, tdat
    TEST_LD_OP 6, lbu, 0x000000ff, 0, tdat
    TEST_LD_OP 7, lbu, 0x000000f0, 2, tdat
    TEST_LD_OP 8, lh, 0x000000ff, 0, tdat2
    TEST_LD_OP 9, lh, -0x100, 2, tdat2              # ..ff00
    TEST_LD_OP 10, lh, 0x00000ff0, 4, tdat2
    TEST_LD_OP 11, lh, -0xff1, 6, tdat2             # ..f00f
    TEST_LD_OP 12, lhu, 0x0000ff00, 2, tdat2
    TEST_LD_OP 13, lhu, 0x0000f00f, 6, tdat2
    TEST_LD_OP 14, lw, 0x00ff00ff, 0, tdat4
    TEST_LD_OP 15, lw, -0xff0100, 4, tdat4          # ..ff00ff00
.if XLEN == 64
    TEST_LD_OP 16, lw, 0xfffffffff00ff00f, 12, tdat4
    TEST_LD_OP 17, lwu, 0x00000000ff00ff00, 4, tdat4
    TEST_LD_OP 18, lwu, 0x00000000f00ff00f, 12, tdat4
    TEST_LD_OP 19, ld, 0x00ff00ff00ff00ff, 0, tdat8
    TEST_LD_OP 20, ld, 0xff00ff00ff00ff00, 8, tdat8
    TEST_LD_OP 21, ld, 0xf00ff00ff00ff00f, 24, tdat8
    # Negative offsets.
    TEST_LD_OP 22, lw, 0x0000000000ff00ff, -16, tdat4_2
    TEST_LD_OP 23, ld, 0x00ff00ff00ff00ff, -32, tdat8_2

    TEST_ST_OP 24, lb, sb, 0xffffffffffffffaa, 0, sdat
    TEST_ST_OP 25, lbu, sb, 0x00000000000000a0, 3, sdat
    TEST_ST_OP 26, lh, sh, 0xffffffffffffaa00, 2, sdat
    TEST_ST_OP 27, lhu, sh, 0x000000000000a00a, 6, sdat
    TEST_ST_OP 28, lw, sw, 0xffffffffaa00aa00, 4, sdat
    TEST_ST_OP 29, lwu, sw, 0x00000000a00aa00a, 8, sdat
    TEST_ST_OP 30, ld, sd, 0xaabbccdd00112233, 16, sdat
    TEST_ST_OP 31, ld, sd, 0x0123456789abcdef, -8, sdat_end

    # Narrow stores change only their bytes.
    TEST_BEGIN 32
    la a1, sdat
    li a2, -1
    sd a2, 24(a1)
    sb zero, 25(a1)
    sh zero, 28(a1)
    ld a4, 24(a1)
    EXPECT a4, 0xffff0000ffff00ff
    TEST_BEGIN 33
    li a2, 0x11223344
    sw a2, 24(a1)
    ld a4, 24(a1)
    EXPECT a4, 0xffff000011223344

    # Stores through sp and loads into sp (the unit's rsp).
    TEST_BEGIN 34
    li a2, 0x5555
    sd a2, -8(sp)
    ld a4, -8(sp)
    EXPECT a4, 0x5555
    mv a3, sp
    la sp, tdat8
    ld sp, 8(sp)
    mv a4, sp
    mv sp, a3
    EXPECT a4, 0xff00ff00ff00ff00

    # fence and fence.i run as no-ops.
    TEST_BEGIN 35
    li a4, 7
    fence
    fence rw, rw
    fence.i
    EXPECT a4, 7
    # A fence whose reserved rd field is a4 still writes nothing.
    TEST_BEGIN 36
    .word 0x0ff0070f        # fence iorw, iorw with rd = a4
    EXPECT a4, 7
.else
    TEST_LD_OP 16, lw, 0x0ff00ff0, 8, tdat4
    TEST_LD_OP 17, lw, 0xf00ff00f, 12, tdat4
    # Negative offsets.
    TEST_LD_OP 18, lw, 0x00ff00ff, -16, tdat4_2
    TEST_LD_OP 19, lh, 0xfffff00f, -2, tdat4

    TEST_ST_OP 20, lb, sb, 0xffffffaa, 0, sdat
    TEST_ST_OP 21, lbu, sb, 0x000000a0, 3, sdat
    TEST_ST_OP 22, lh, sh, 0xffffaa00, 2, sdat
    TEST_ST_OP 23, lhu, sh, 0x0000a00a, 6, sdat
    TEST_ST_OP 24, lw, sw, 0xaa00aa00, 4, sdat
    TEST_ST_OP 25, lw, sw, 0xa00aa00a, 8, sdat
    TEST_ST_OP 26, lw, sw, 0x01234567, -4, sdat_end

    # Narrow stores change only their bytes, in both halves of a 64-bit
    # RAM word.
    TEST_BEGIN 27
    la a1, sdat
    li a2, -1
    sw a2, 24(a1)
    sw a2, 28(a1)
    sb zero, 25(a1)
    sh zero, 30(a1)
    lw a4, 24(a1)
    EXPECT a4, 0xffff00ff
    lw a4, 28(a1)
    EXPECT a4, 0x0000ffff
    TEST_BEGIN 28
    li a2, 0x11223344
    sw a2, 28(a1)
    lw a4, 24(a1)
    EXPECT a4, 0xffff00ff
    lw a4, 28(a1)
    EXPECT a4, 0x11223344

    # Stores through sp and loads into sp (the unit's rsp).
    TEST_BEGIN 29
    li a2, 0x5555
    sw a2, -4(sp)
    lw a4, -4(sp)
    EXPECT a4, 0x5555
    mv a3, sp
    la sp, tdat4
    lw sp, 4(sp)
    mv a4, sp
    mv sp, a3
    EXPECT a4, 0xff00ff00

    # fence and fence.i run as no-ops.
    TEST_BEGIN 30
    li a4, 7
    fence
    fence rw, rw
    fence.i
    EXPECT a4, 7
.endif

    RVTEST_END

    .section .data
    .balign 8
tdat:  .byte 0xff, 0x00, 0xf0, 0x0f
    .balign 8
tdat2: .half 0x00ff, 0xff00, 0x0ff0, 0xf00f
    .balign 8
tdat4: .word 0x00ff00ff, 0xff00ff00, 0x0ff00ff0, 0xf00ff00f
tdat4_2:
    .balign 8
.if XLEN == 64
tdat8: .dword 0x00ff00ff00ff00ff, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xf00ff00ff00ff00f
tdat8_2:
    .balign 8
sdat: .dword 0, 0, 0, 0, 0
.else
sdat: .word 0, 0, 0, 0, 0, 0, 0, 0
.endif
sdat_end:
