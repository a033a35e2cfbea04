# RV64I loads and stores, sign and zero extension, offsets both ways:
# lb, lh, lw, ld, lbu, lhu, lwu, sb, sh, sw, sd; fence and fence.i as
# no-ops.
    .include "test.inc"
    RVTEST_BEGIN

    TEST_LD_OP 2, lb, 0xffffffffffffffff, 0, tdat
    TEST_LD_OP 3, lb, 0x0000000000000000, 1, tdat
    TEST_LD_OP 4, lb, 0xfffffffffffffff0, 2, tdat
    TEST_LD_OP 5, lb, 0x000000000000000f, 3, tdat
    TEST_LD_OP 6, lbu, 0x00000000000000ff, 0, tdat
    TEST_LD_OP 7, lbu, 0x00000000000000f0, 2, tdat
    TEST_LD_OP 8, lh, 0x00000000000000ff, 0, tdat2
    TEST_LD_OP 9, lh, 0xffffffffffffff00, 2, tdat2
    TEST_LD_OP 10, lh, 0x0000000000000ff0, 4, tdat2
    TEST_LD_OP 11, lh, 0xfffffffffffff00f, 6, tdat2
    TEST_LD_OP 12, lhu, 0x000000000000ff00, 2, tdat2
    TEST_LD_OP 13, lhu, 0x000000000000f00f, 6, tdat2
    TEST_LD_OP 14, lw, 0x0000000000ff00ff, 0, tdat4
    TEST_LD_OP 15, lw, 0xffffffffff00ff00, 4, tdat4
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
tdat8: .dword 0x00ff00ff00ff00ff, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xf00ff00ff00ff00f
tdat8_2:
    .balign 8
sdat: .dword 0, 0, 0, 0, 0
sdat_end:
