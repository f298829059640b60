using Microkernel.Console;
using Microkernel.Memory;
using Microkernel.Memory.Virtual;
using Microkernel.Process.Elf;
using Microkernel.Scheduling;
using Microkernel.Syscall;

namespace Microkernel.Process;

/// <summary>A service loaded into its own address space, ready to run.</summary>
internal struct LoadedService
{
    internal AddressSpace Space;
    internal ulong Entry;
    internal ulong StackTop;
    internal ulong Base;
}

/// <summary>Loads a service ELF: validates it completely (kernel/proc/elf), places a
/// position-independent image at a random base, maps each segment with its own
/// permissions (W^X: written while read+write, then protected), applies its
/// relocations, and gives it a stack with a guard page. A malformed ELF is refused
/// with the reason in the log and nothing left behind.</summary>
internal static unsafe class ServiceLoader
{
    private const ulong StackBytes = 64 * 1024;
    /// <summary>Images are placed in [WindowStart, WindowStart + WindowSpan).</summary>
    private const ulong WindowStart = AddressSpace.UserLowest + 0x100_0000;
    private const ulong WindowSpan = 1UL << 36;
    /// <summary>Stacks sit near the top of user space, well above any image.</summary>
    private const ulong StackTop = AddressSpace.UserLowest + (1UL << 40);

    /// <summary>Loads the service; on failure the reason is logged and returned: ENOEXEC
    /// for a malformed ELF, ENOMEM when memory ran short.</summary>
    internal static SystemCallResult Load(System.ReadOnlySpan<byte> name, System.ReadOnlySpan<byte> file, out LoadedService loaded)
    {
        loaded = default;
        ElfStatus status = ElfImage.TryParse(file, out ElfImage image);
        if (status != ElfStatus.Ok)
        {
            return Refuse(name, status);
        }

        ulong loadBase = 0;
        if (image.Kind == ElfKind.PositionIndependent)
        {
            ulong alignment = image.Alignment < 4096 ? 4096 : image.Alignment;
            ulong slots = (WindowSpan - image.Span) / alignment;
            loadBase = WindowStart + RandomSource.Next() % slots * alignment;
        }
        status = image.TryCreatePlan(loadBase, AddressSpace.UserLowest, StackTop - StackBytes - 4096, out ElfLoadPlan plan);
        if (status != ElfStatus.Ok)
        {
            return Refuse(name, status);
        }

        var space = AddressSpace.Create();
        if (space == null)
        {
            return Refuse(name, ElfStatus.Ok, "no memory for an address space"u8);
        }

        bool mapped = MapSegments(space, in plan, file) && MapStack(space);
        Threads.UseSpace(null);
        if (!mapped)
        {
            space.Destroy();
            return Refuse(name, ElfStatus.Ok, "no memory for its segments or stack"u8);
        }
        loaded.Space = space;
        loaded.Entry = plan.Entry;
        loaded.StackTop = StackTop;
        loaded.Base = plan.Base;
        return SystemCallResult.Success;
    }

    private static bool MapSegments(AddressSpace space, in ElfLoadPlan plan, System.ReadOnlySpan<byte> file)
    {
        Threads.UseSpace(space);
        const VmProtection ReadWrite = VmProtection.Read | VmProtection.Write;
        for (int i = 0; i < plan.SegmentCount; i++)
        {
            ElfSegment segment = plan.Segment(i);
            ulong start = segment.VirtualAddress & ~4095UL;
            ulong end = ElfImage.PageRoundUp(segment.VirtualAddress + segment.MemorySize);
            if (space.Map(start, end - start, ReadWrite, MapFlags.FixedNoReplace | MapFlags.Populate, VmAreaKind.Image, (ushort)(i + 1), out _) != VmError.None)
            {
                return false;
            }
            // Populated pages are zero: copy the file part; the rest (bss) stays zero.
            file.Slice((int)segment.FileOffset, (int)segment.FileSize)
                .CopyTo(new System.Span<byte>((void*)segment.VirtualAddress, (int)segment.FileSize));
        }
        for (int i = 0; i < plan.RelocationCount; i++)
        {
            if (plan.TryGetRelocation(file, i, out ElfRelocation relocation) != ElfStatus.Ok)
            {
                return false;
            }

            *(ulong*)relocation.Address = relocation.Value;
        }
        for (int i = 0; i < plan.SegmentCount; i++)
        {
            ElfSegment segment = plan.Segment(i);
            ulong start = segment.VirtualAddress & ~4095UL;
            ulong end = ElfImage.PageRoundUp(segment.VirtualAddress + segment.MemorySize);
            if (space.Protect(start, end - start, (VmProtection)(byte)segment.Protection) != VmError.None)
            {
                return false;
            }
        }
        return true;
    }

    private static bool MapStack(AddressSpace space)
    {
        return space.Map(StackTop - StackBytes - 4096, 4096, VmProtection.None, MapFlags.FixedNoReplace, VmAreaKind.Guard, 100, out _) == VmError.None
            && space.Map(StackTop - StackBytes, StackBytes, VmProtection.Read | VmProtection.Write, MapFlags.FixedNoReplace, VmAreaKind.Stack, 101, out _) == VmError.None;
    }

    /// <summary>Logs why <paramref name="name"/> was refused; ENOEXEC for an ELF status,
    /// ENOMEM when the ELF was fine (<see cref="ElfStatus.Ok"/>) but memory ran short.</summary>
    private static SystemCallResult Refuse(System.ReadOnlySpan<byte> name, ElfStatus status, System.ReadOnlySpan<byte> reason = default)
    {
        LogLine line = Log.Begin(LogLevel.Error, "loader"u8);
        line.Text("service "u8);
        line.Text(name);
        line.Text(" refused: "u8);
        line.Text(reason.IsEmpty ? ElfStatusText.Describe(status) : reason);
        line.End();
        return SystemCallResult.Fail(status == ElfStatus.Ok ? Abi.Errno.ENOMEM : Abi.Errno.ENOEXEC);
    }
}
