# Jumps, RV64I and RV32I: jal and jalr, their link values, and jalr clearing bit 0
# of the target.
    .include "test.inc"
    RVTEST_BEGIN

    # jal links pc + 4 and jumps forward.
    TEST_BEGIN 2
    li ra, 0
1:  jal ra, 2f
    j fail
2:  la a2, 1b
    addi a2, a2, 4
    FAIL_IF_NE ra, a2

    # jal backward, with a link register other than ra.
    TEST_BEGIN 3
    j 4f
3:  j 5f
4:  jal a3, 3b
5:  EXPECT x0, 0

    # jal x0 links nothing.
    TEST_BEGIN 4
    jal x0, 6f
    j fail
6:  EXPECT x0, 0

    # jalr: target = rs1 + imm, link pc + 4.
    TEST_BEGIN 5
    la a1, 7f
7:  jalr a3, 8(a1)
    j fail
    la a2, 7b
    addi a2, a2, 4
    FAIL_IF_NE a3, a2

    # jalr clears bit 0 of the target.
    TEST_BEGIN 6
    la a1, 9f
    addi a1, a1, 1
    jalr x0, 0(a1)
    j fail
9:  EXPECT x0, 0

    # jalr with rd = rs1 reads rs1 before writing it.
    TEST_BEGIN 7
    la a1, 10f
    jalr a1, 0(a1)
10: la a2, 10b
    FAIL_IF_NE a1, a2

    # A call and a return through ra.
    TEST_BEGIN 8
    li a4, 0
    call jump_sub
    EXPECT a4, 42
    j 12f
jump_sub:
    li a4, 42
    ret
12:

    RVTEST_END
