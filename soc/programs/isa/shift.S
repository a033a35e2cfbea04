# Shifts, RV64I and RV32I: sll, srl, sra by the low log2(XLEN) bits of
# rs2; slli, srli, srai by 0..XLEN-1. On RV32I an immediate shift by 32
# or more (shamt bit 5 set) is #UD. The amounts and values are the
# width's own, so the cases are listed once per width.
    .include "test.inc"
    RVTEST_BEGIN

.if XLEN == 64
    TEST_RR_OP 2, sll, 0x0000000000000001, 0x0000000000000001, 0
    TEST_RR_OP 3, sll, 0x0000000000004000, 0x0000000000000001, 14
    TEST_RR_OP 4, sll, 0x8000000000000000, 0x0000000000000001, 63
    TEST_RR_OP 5, sll, 0x0000000000000002, 0x0000000000000001, 65
    TEST_RR_OP 6, sll, 0x0000000080000000, 0x0000000000000001, 31
    TEST_RR_OP 7, sll, 0xffffffff00000000, 0xffffffffffffffff, 32
    TEST_RR_OP 8, srl, 0x0000000000000001, 0x8000000000000000, 63
    TEST_RR_OP 9, srl, 0x0000000000000001, 0xffffffffffffffff, 63
    TEST_RR_OP 10, srl, 0x00000000ffffffff, 0xffffffffffffffff, 32
    TEST_RR_OP 11, srl, 0x4000000000000000, 0x8000000000000000, 65
    TEST_RR_OP 12, sra, 0xffffffffffffffff, 0x8000000000000000, 63
    TEST_RR_OP 13, sra, 0xffffffffc0000000, 0xffffffff80000000, 1
    TEST_RR_OP 14, sra, 0x0000000000000000, 0x7fffffffffffffff, 63
    TEST_RR_OP 15, sra, 0x3fffffffffffffff, 0x7fffffffffffffff, 65
    TEST_IMM_OP 16, slli, 0x0000000000000080, 0x0000000000000001, 7
    TEST_IMM_OP 17, slli, 0x8000000000000000, 0x0000000000000001, 63
    TEST_IMM_OP 18, slli, 0x0000000100000000, 0x0000000000000001, 32
    TEST_IMM_OP 19, srli, 0x0000000000000001, 0x8000000000000000, 63
    TEST_IMM_OP 20, srli, 0x00000000ffffffff, 0xffffffff00000000, 32
    TEST_IMM_OP 21, srli, 0x0000000000000001, 0x0000000000000001, 0
    TEST_IMM_OP 22, srai, 0xffffffffffffffff, 0x8000000000000000, 63
    TEST_IMM_OP 23, srai, 0xffffffff80000000, 0x8000000000000000, 32
    TEST_IMM_OP 24, srai, 0x0000000000000001, 0x7fffffffffffffff, 62
.else
    TEST_RR_OP 2, sll, 0x00000001, 0x00000001, 0
    TEST_RR_OP 3, sll, 0x00004000, 0x00000001, 14
    TEST_RR_OP 4, sll, 0x80000000, 0x00000001, 31
    TEST_RR_OP 5, sll, 0x00000002, 0x00000001, 33
    TEST_RR_OP 6, sll, 0x00000001, 0x00000001, 32
    TEST_RR_OP 7, sll, 0xfffffff0, 0xffffffff, 4
    TEST_RR_OP 8, srl, 0x00000001, 0x80000000, 31
    TEST_RR_OP 9, srl, 0x00000001, 0xffffffff, 31
    TEST_RR_OP 10, srl, 0x0000ffff, 0xffffffff, 16
    TEST_RR_OP 11, srl, 0x40000000, 0x80000000, 33
    TEST_RR_OP 12, sra, 0xffffffff, 0x80000000, 31
    TEST_RR_OP 13, sra, 0xc0000000, 0x80000000, 1
    TEST_RR_OP 14, sra, 0x00000000, 0x7fffffff, 31
    TEST_RR_OP 15, sra, 0x3fffffff, 0x7fffffff, 33
    TEST_RR_OP 16, sra, 0x80000000, 0x80000000, 32
    TEST_IMM_OP 17, slli, 0x00000080, 0x00000001, 7
    TEST_IMM_OP 18, slli, 0x80000000, 0x00000001, 31
    TEST_IMM_OP 19, slli, 0x00000000, 0x80000000, 1
    TEST_IMM_OP 20, srli, 0x00000001, 0x80000000, 31
    TEST_IMM_OP 21, srli, 0x0000ffff, 0xffffffff, 16
    TEST_IMM_OP 22, srli, 0x00000001, 0x00000001, 0
    TEST_IMM_OP 23, srai, 0xffffffff, 0x80000000, 31
    TEST_IMM_OP 24, srai, 0xffff8000, 0x80000000, 16
    TEST_IMM_OP 25, srai, 0x00000001, 0x7fffffff, 30

    # Immediate shifts with shamt bit 5 set are reserved in RV32I: #UD,
    # and a4 keeps its value.
    TRAP_BEGIN 26
    li a4, 0x1234
    .word 0x02059713        # slli a4, a1, 32
    TRAP_END INFO_UD, 0
    EXPECT a4, 0x1234
    TRAP_BEGIN 27
    .word 0x03f5d713        # srli a4, a1, 63
    TRAP_END INFO_UD, 0
    TRAP_BEGIN 28
    .word 0x4205d713        # srai a4, a1, 32
    TRAP_END INFO_UD, 0
    EXPECT a4, 0x1234
.endif

    RVTEST_END
