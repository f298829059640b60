; Runtime helpers the compiler calls by symbol that need a register-level convention
; or the caller's return address. Everything that can be C# is C# (runtime/Microkernel.Runtime).

bits 64
default rel
section .text

extern mk_rt_throw, mk_rt_rethrow, mk_rt_fail_fast, mk_rt_resolve_interface_call

global RhpAssignRef, RhpCheckedAssignRef, RhpByRefAssignRef, RhpStackProbe, RhpGcPoll, RhpPInvoke, RhpPInvokeReturn
global RhpReversePInvoke, RhpReversePInvokeReturn, RhpThrowEx, RhpRethrow
global RhpFallbackFailFast, RhpInitialDynamicInterfaceDispatch, mk_rt_halt
global mk_rt_frame_pointer, RhpTrapThreads

; Reference stores. Without a GC there is no card table to mark: each barrier is the
; plain store it guards. (In C#, `location = value` on a ref object would compile to a
; call of the barrier itself.)
RhpAssignRef:
RhpCheckedAssignRef:
    mov [rdi], rsi
    ret

; *rdi = *rsi; rdi += 8; rsi += 8. rcx is the only scratch the convention allows.
RhpByRefAssignRef:
    mov rcx, [rsi]
    mov [rdi], rcx
    add rdi, 8
    add rsi, 8
    ret

; Touch every page from just below rsp down to r11 (the new frame's lowest address),
; in order, so a guard page is hit before anything below it. Preserves r11; rax is scratch.
RhpStackProbe:
    mov rax, rsp
    and rax, -4096
.next:
    sub rax, 4096
    cmp rax, r11
    jb .done
    test [rax], eax
    jmp .next
.done:
    ret

; No GC: nothing to poll, no transitions to record.
RhpGcPoll:
RhpPInvoke:
RhpPInvokeReturn:
RhpReversePInvoke:
RhpReversePInvokeReturn:
    ret

; throw: rdi = exception object. Pass the throw site (our return address) and the
; thrower's frame pointer so the panic report can walk the stack from there.
RhpThrowEx:
    mov rsi, [rsp]
    mov rdx, rbp
    sub rsp, 8
    call mk_rt_throw
    ud2

RhpRethrow:
    mov rdi, [rsp]
    mov rsi, rbp
    sub rsp, 8
    call mk_rt_rethrow
    ud2

RhpFallbackFailFast:
    mov rdi, [rsp]
    mov rsi, rbp
    sub rsp, 8
    call mk_rt_fail_fast
    ud2

; Interface call through a dispatch cell: r11 = cell {stub, cache}, rdi = this.
; Fast path: the cache word points at {MethodTable, target} and matches this object's
; type: jump straight to the target. Otherwise save the argument registers, ask the
; C# resolver (which also updates the cache), restore and jump.
RhpInitialDynamicInterfaceDispatch:
    mov rax, [r11 + 8]
    test al, 3
    jnz .slow
    mov r10, [rdi]
    cmp r10, [rax]
    jne .slow
    jmp [rax + 8]
.slow:
    push rbp
    mov rbp, rsp
    push rdi
    push rsi
    push rdx
    push rcx
    push r8
    push r9
    sub rsp, 128
    movdqu [rsp + 0], xmm0
    movdqu [rsp + 16], xmm1
    movdqu [rsp + 32], xmm2
    movdqu [rsp + 48], xmm3
    movdqu [rsp + 64], xmm4
    movdqu [rsp + 80], xmm5
    movdqu [rsp + 96], xmm6
    movdqu [rsp + 112], xmm7
    mov rsi, r11
    call mk_rt_resolve_interface_call
    mov r11, rax
    movdqu xmm0, [rsp + 0]
    movdqu xmm1, [rsp + 16]
    movdqu xmm2, [rsp + 32]
    movdqu xmm3, [rsp + 48]
    movdqu xmm4, [rsp + 64]
    movdqu xmm5, [rsp + 80]
    movdqu xmm6, [rsp + 96]
    movdqu xmm7, [rsp + 112]
    add rsp, 128
    pop r9
    pop r8
    pop rcx
    pop rdx
    pop rsi
    pop rdi
    pop rbp
    jmp r11

mk_rt_halt:
    cli
    hlt
    ret

; The frame pointer of the caller of the P/Invoke (this helper keeps no frame).
mk_rt_frame_pointer:
    mov rax, rbp
    ret

section .data
align 4
; Polled by the compiler after SuppressGCTransition calls; never set (no GC suspension).
RhpTrapThreads: dd 0
