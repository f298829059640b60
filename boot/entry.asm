; x86-64 entry for the microkernel: multiboot1 (QEMU -kernel on pc/q35, GRUB) and PVH
; (QEMU microvm, Firecracker, cloud-hypervisor). Both arrive in 32-bit protected mode
; with paging off; both converge on long_mode_start, which calls the C# kmain with a
; BootHandoff record (kernel/boot/BootHandoff.cs mirrors its layout).
;
; Order matters: the TSC is read by the very first instruction (boot_us counts from
; here), bss is cleared before anything lives in it, SSE is enabled before any C#.

bits 32

MB1_MAGIC       equ 0x1BADB002
MB1_FLAGS       equ (1 << 0) | (1 << 1) | (1 << 16)  ; align modules, memory info, a.out kludge
PVH_MAGIC       equ 0x336ec578                        ; hvm_start_info.magic
MB1_LOADER_MAGIC equ 0x2BADB002

BOOT_STACK_SIZE equ 64 * 1024
IDENTITY_GIB    equ 16          ; 2 MiB pages covering 0 .. 16 GiB

extern __kernel_start, __load_end, __bss_start, __bss_end, __kernel_end
extern __modules_start, __modules_end, __text_start, __text_end
extern __rodata_start, __rodata_end, __data_start
extern kmain
global mk_boot_multiboot_entry, mk_boot_pvh_entry
global mk_boot_handoff, mk_boot_pml4

section .multiboot
align 4
multiboot_header:
    dd MB1_MAGIC
    dd MB1_FLAGS
    dd -(MB1_MAGIC + MB1_FLAGS)
    dd multiboot_header        ; header_addr
    dd __kernel_start          ; load_addr
    dd __load_end              ; load_end_addr
    dd __kernel_end            ; bss_end_addr
    dd mk_boot_multiboot_entry ; entry_addr

; The PVH entry point, announced by an ELF note (Xen's XEN_ELFNOTE_PHYS32_ENTRY = 18).
; In an ELF64 image the descriptor is 8 bytes.
section .note.Xen note alloc
align 4
    dd 4                       ; namesz
    dd 8                       ; descsz
    dd 18                      ; type
    db "Xen", 0
    dq mk_boot_pvh_entry

section .boot.text exec
mk_boot_multiboot_entry:
    mov esi, eax                        ; the loader's magic; rdtsc overwrites eax
    rdtsc
    mov [handoff.entry_tsc], eax
    mov [handoff.entry_tsc + 4], edx
    mov dword [handoff.protocol], 1
    mov [handoff.info], ebx
    mov eax, esi
    jmp common_32

mk_boot_pvh_entry:
    rdtsc
    mov [handoff.entry_tsc], eax
    mov [handoff.entry_tsc + 4], edx
    mov dword [handoff.protocol], 2
    mov [handoff.info], ebx
    mov eax, PVH_MAGIC
    jmp common_32

common_32:
    ; eax: the loader's magic (multiboot) or PVH_MAGIC. Keep it across the bss clear.
    cli
    cld
    mov [handoff.loader_magic], eax
    ; The handoff lives in .data, so it survives clearing bss.
    mov edi, __bss_start
    mov ecx, __bss_end
    sub ecx, edi
    shr ecx, 2
    xor eax, eax
    rep stosd
    mov esp, boot_stack_top

    ; Long mode is required; say so on COM1 and stop if it is missing.
    mov eax, 0x80000000
    cpuid
    cmp eax, 0x80000001
    jb no_long_mode
    mov eax, 0x80000001
    cpuid
    test edx, 1 << 29
    jz no_long_mode
    mov [handoff.ext_features_edx], edx

    ; Identity map 0 .. IDENTITY_GIB GiB with 2 MiB pages: PML4[0] -> PDPT,
    ; PDPT[i] -> PD i. The kernel replaces this map with its own later.
    mov eax, boot_pdpt
    or eax, 0x3
    mov [boot_pml4], eax
    xor ecx, ecx
.pdpt_loop:
    mov eax, ecx
    shl eax, 12
    add eax, boot_pds
    or eax, 0x3
    mov [boot_pdpt + ecx * 8], eax
    inc ecx
    cmp ecx, IDENTITY_GIB
    jb .pdpt_loop
    xor ecx, ecx
.pd_loop:
    mov eax, ecx
    shl eax, 21
    or eax, 0x83                        ; present, writable, 2 MiB page
    mov [boot_pds + ecx * 8], eax
    mov eax, ecx
    shr eax, 11                         ; bits 32.. of the physical address
    mov [boot_pds + ecx * 8 + 4], eax
    inc ecx
    cmp ecx, IDENTITY_GIB * 512
    jb .pd_loop
    ; The first 2 MiB use 4 KiB pages instead, with page 0 absent: a C# null
    ; dereference must fault, not read the real-mode IVT.
    mov ecx, 1
.pt_loop:
    mov eax, ecx
    shl eax, 12
    or eax, 0x3
    mov [boot_pt0 + ecx * 8], eax
    inc ecx
    cmp ecx, 512
    jb .pt_loop
    mov eax, boot_pt0
    or eax, 0x3
    mov [boot_pds], eax
    mov dword [boot_pds + 4], 0

    ; CR4: PAE, OSFXSR, OSXMMEXCPT (SSE is used by compiled C#).
    mov eax, cr4
    or eax, (1 << 5) | (1 << 9) | (1 << 10)
    mov cr4, eax
    mov eax, boot_pml4
    mov cr3, eax
    ; EFER: long mode enable, and no-execute enable when the CPU has it.
    mov ecx, 0xC0000080
    rdmsr
    or eax, 1 << 8
    test dword [handoff.ext_features_edx], 1 << 20
    jz .no_nx
    or eax, 1 << 11
.no_nx:
    wrmsr
    ; CR0: paging, protection, monitor coprocessor, write protect (ring 0 honours
    ; read-only pages: without it W^X would not hold for the kernel); no FPU emulation.
    mov eax, cr0
    and eax, ~(1 << 2)
    or eax, (1 << 31) | (1 << 16) | (1 << 0) | (1 << 1)
    mov cr0, eax
    lgdt [gdt64_pointer]
    jmp 0x08:long_mode_start

no_long_mode:
    mov esi, no_long_mode_text
.next:
    lodsb
    test al, al
    jz .halt
    mov dx, 0x3f8
    out dx, al
    jmp .next
.halt:
    hlt
    jmp .halt

bits 64
long_mode_start:
    mov ax, 0x10
    mov ds, ax
    mov es, ax
    mov ss, ax
    xor ax, ax
    mov fs, ax
    mov gs, ax
    mov rsp, boot_stack_top
    xor rbp, rbp
    ; The stack cookie the compiler checks in functions with stackalloc: any value the
    ; boot cannot predict will do until the RNG is up; the TSC low bits are that.
    rdtsc
    shl rdx, 32
    or rax, rdx
    mov rcx, 0x9E3779B97F4A7C15
    imul rax, rcx
    mov [rel __security_cookie], rax
    fninit
    lea rax, [rel __modules_start]
    mov [rel handoff.modules_start], rax
    lea rax, [rel __modules_end]
    mov [rel handoff.modules_end], rax
    lea rax, [rel __kernel_start]
    mov [rel handoff.kernel_start], rax
    lea rax, [rel __kernel_end]
    mov [rel handoff.kernel_end], rax
    lea rax, [rel boot_stack_bottom]
    mov [rel handoff.boot_stack_bottom], rax
    lea rax, [rel boot_stack_top]
    mov [rel handoff.boot_stack_top], rax
    lea rax, [rel __text_start]
    mov [rel handoff.text_start], rax
    lea rax, [rel __text_end]
    mov [rel handoff.text_end], rax
    lea rax, [rel __rodata_start]
    mov [rel handoff.rodata_start], rax
    lea rax, [rel __rodata_end]
    mov [rel handoff.rodata_end], rax
    lea rax, [rel __data_start]
    mov [rel handoff.data_start], rax
    lea rdi, [rel handoff]
    call kmain
.hang:
    cli
    hlt
    jmp .hang

section .rodata
no_long_mode_text: db "microkernel: this CPU has no 64-bit long mode; halting.", 13, 10, 0
align 8
gdt64:
    dq 0
    dq 0x00AF9A000000FFFF       ; 0x08: 64-bit code, ring 0
    dq 0x00CF92000000FFFF       ; 0x10: data, ring 0
gdt64_end:
gdt64_pointer:
    dw gdt64_end - gdt64 - 1
    dd gdt64

section .data
align 8
global __security_cookie
__security_cookie: dq 0x2B992DDFA232
; BootHandoff: kernel/boot/BootHandoff.cs mirrors this layout. Keep them in step.
mk_boot_handoff:
handoff:
.protocol:          dd 0      ; 1 multiboot1, 2 PVH
.loader_magic:      dd 0
.info:              dq 0      ; physical address of multiboot_info or hvm_start_info
.entry_tsc:         dq 0      ; TSC at the first instruction
.modules_start:     dq 0      ; the compiler's module header list
.modules_end:       dq 0
.kernel_start:      dq 0      ; image bounds, for the memory map
.kernel_end:        dq 0
.boot_stack_bottom: dq 0
.boot_stack_top:    dq 0
.text_start:        dq 0      ; code bounds, for telling return addresses on a stack
.text_end:          dq 0
.rodata_start:      dq 0      ; section bounds, for per-section page permissions (W^X)
.rodata_end:        dq 0
.data_start:        dq 0      ; data, bss and the boot stack run from here to kernel_end
.ext_features_edx:  dd 0      ; CPUID 0x80000001 EDX, read while still in 32-bit mode
.pad:               dd 0

section .bss
align 4096
mk_boot_pml4:
boot_pml4:  resb 4096
boot_pdpt:  resb 4096
boot_pds:   resb 4096 * IDENTITY_GIB
boot_pt0:   resb 4096
boot_stack_bottom:
            resb BOOT_STACK_SIZE
boot_stack_top:
