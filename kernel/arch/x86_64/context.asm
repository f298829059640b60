; Switching kernel stacks between threads. A thread's state when it is not running is
; its kernel stack: callee-saved registers and the SSE/x87 control words pushed here,
; and everything else already saved by whoever called us (a C# call, or the interrupt
; entry, which keeps the full register file and the fxsave area on the same stack).

bits 64
default rel
section .text

extern mk_thread_finished
global mk_switch_context, mk_thread_trampoline

; void mk_switch_context(ulong* saveRsp, ulong newRsp)
mk_switch_context:
    push rbp
    push rbx
    push r12
    push r13
    push r14
    push r15
    sub rsp, 8
    stmxcsr [rsp]
    fnstcw [rsp + 4]
    mov [rdi], rsp
    mov rsp, rsi
    ldmxcsr [rsp]
    fldcw [rsp + 4]
    add rsp, 8
    pop r15
    pop r14
    pop r13
    pop r12
    pop rbx
    pop rbp
    ret

; A new thread's first "return" lands here, with r12 = entry, r13 = argument (placed
; in its initial frame by Threads.Create). Threads start with interrupts on.
mk_thread_trampoline:
    sti
    mov rdi, r13
    call r12
    call mk_thread_finished
    ud2

global mk_thread_trampoline_address
mk_thread_trampoline_address:
    lea rax, [rel mk_thread_trampoline]
    ret
