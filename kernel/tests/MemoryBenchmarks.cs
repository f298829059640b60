using Microkernel.Arch;
using Microkernel.Console;
using Microkernel.Memory;
using Microkernel.Memory.Virtual;

namespace Microkernel.Tests;

/// <summary>In-image memory benchmarks (<c>bench=memory</c> on the test image's command
/// line). Each figure is a median of TSC ticks over many runs, printed as
/// <c>bench: name=value</c> lines for bench/ImageBench to collect. Under QEMU's
/// <c>-icount shift=0</c> the TSC counts instructions, which makes them repeatable.</summary>
internal static unsafe class MemoryBenchmarks
{
    private const int Runs = 256;
    private const ulong Page = 4096;

    internal static void Run()
    {
        var space = AddressSpace.Create();
        if (space == null) { Log.Write(LogLevel.Error, "bench"u8, "no address space"u8); return; }
        space.Activate();

        ulong* samples = stackalloc ulong[Runs];
        Print("tsc_hz"u8, TimeStampCounter.Hz);

        // First touch of a fresh anonymous page: the page-fault path end to end.
        space.Map(0, Runs * Page, VmProtection.Read | VmProtection.Write, MapFlags.None, VmAreaKind.Anonymous, 1, out ulong area);
        for (int i = 0; i < Runs; i++)
        {
            ulong* page = (ulong*)(area + (ulong)i * Page);
            ulong start = Cpu.ReadTsc();
            *page = 1;
            samples[i] = Cpu.ReadTsc() - start;
        }
        Print("page_fault_ticks"u8, Median(samples, Runs));
        // The same store once the page is present: the baseline the fault adds to.
        for (int i = 0; i < Runs; i++)
        {
            ulong* page = (ulong*)(area + (ulong)i * Page);
            ulong start = Cpu.ReadTsc();
            *page = 2;
            samples[i] = Cpu.ReadTsc() - start;
        }
        Print("present_store_ticks"u8, Median(samples, Runs));
        space.Unmap(area, Runs * Page);

        Print("mmap_touch_munmap_1_ticks"u8, MapTouchUnmap(space, 1, samples));
        Print("mmap_touch_munmap_64_ticks"u8, MapTouchUnmap(space, 64, samples));

        AddressSpace.ActivateKernel();
        space.Destroy();
    }

    private static ulong MapTouchUnmap(AddressSpace space, ulong pages, ulong* samples)
    {
        const int Rounds = 64;
        for (int i = 0; i < Rounds; i++)
        {
            ulong start = Cpu.ReadTsc();
            space.Map(0, pages * Page, VmProtection.Read | VmProtection.Write, MapFlags.None, VmAreaKind.Anonymous, 1, out ulong at);
            for (ulong p = 0; p < pages; p++)
            {
                *(byte*)(at + p * Page) = 1;
            }

            space.Unmap(at, pages * Page);
            samples[i] = Cpu.ReadTsc() - start;
        }
        return Median(samples, Rounds);
    }

    private static ulong Median(ulong* values, int count)
    {
        // Insertion sort: small counts, no allocation.
        for (int i = 1; i < count; i++)
        {
            ulong v = values[i];
            int j = i - 1;
            while (j >= 0 && values[j] > v) { values[j + 1] = values[j]; j--; }
            values[j + 1] = v;
        }
        return values[count / 2];
    }

    internal static void Print(System.ReadOnlySpan<byte> name, ulong value)
    {
        var line = new LogLine(true);
        line.Text("bench: "u8);
        line.Text(name);
        line.Text("="u8);
        line.Decimal(value);
        line.End();
    }
}
