; Interrupt and exception entry. Every vector gets a stub that makes the stack uniform
; (an error code, then the vector) and jumps to one common path that saves all general
; registers and the SSE state (fxsave: compiled C# uses xmm registers freely, and an
; interrupted thread must get its own back), then calls the C# dispatcher with a
; pointer to the saved frame (kernel/arch/x86_64/InterruptFrame.cs mirrors it).

bits 64
default rel
section .text

extern mk_interrupt_dispatch
global mk_interrupt_stubs

%macro STUB_NOERR 1
align 16
    push qword 0
    push qword %1
    jmp interrupt_common
%endmacro

%macro STUB_ERR 1
align 16
    push qword %1
    jmp interrupt_common
%endmacro

; Stubs are 16 bytes apart; the IDT builder computes stub address = base + 16 * vector.
align 16
mk_interrupt_stubs:
%assign v 0
%rep 256
  %if v = 8 || v = 10 || v = 11 || v = 12 || v = 13 || v = 14 || v = 17 || v = 21 || v = 29 || v = 30
    STUB_ERR v
  %else
    STUB_NOERR v
  %endif
  %assign v v + 1
%endrep

interrupt_common:
    cld
    ; From ring 3 (CS.RPL != 0): take the kernel's GS. Stack here: vector, error, rip, cs.
    test qword [rsp + 24], 3
    jz .from_kernel
    swapgs
.from_kernel:
    push rax
    push rbx
    push rcx
    push rdx
    push rsi
    push rdi
    push rbp
    push r8
    push r9
    push r10
    push r11
    push r12
    push r13
    push r14
    push r15
    mov rdi, rsp                ; InterruptFrame*
    mov rbx, rsp
    sub rsp, 512
    and rsp, -16
    fxsave [rsp]
    call mk_interrupt_dispatch
    fxrstor [rsp]
    mov rsp, rbx
    pop r15
    pop r14
    pop r13
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop rbp
    pop rdi
    pop rsi
    pop rdx
    pop rcx
    pop rbx
    pop rax
    add rsp, 16                 ; vector, error code
    test qword [rsp + 8], 3     ; back to ring 3: give the user its GS again
    jz .to_kernel
    swapgs
.to_kernel:
    iretq

global mk_interrupt_stubs_base
; The address of the first stub, for the IDT builder.
mk_interrupt_stubs_base:
    lea rax, [rel mk_interrupt_stubs]
    ret
