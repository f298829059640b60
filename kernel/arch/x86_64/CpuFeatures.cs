namespace Microkernel.Arch;

/// <summary>What the boot CPU can do, read once from CPUID (the roadmap's ukcpuid).</summary>
/// <remarks>Later code asks this record, never CPUID directly: RDRAND for the RNG, NX
/// for W^X, x2APIC, 1 GiB pages, and the hypervisor we run under.</remarks>
internal static unsafe class CpuFeatures
{
    internal static uint MaxLeaf;
    internal static uint MaxExtendedLeaf;
    internal static uint Family, Model, Stepping;
    internal static bool Sse2, Sse3, Ssse3, Sse41, Sse42, Avx, Avx2, Xsave;
    internal static bool RdRand, RdSeed, NoExecute, Pages1G, X2Apic, InvariantTsc, Hypervisor;

    /// <summary>"GenuineIntel", "AuthenticAMD", ... (12 ASCII bytes).</summary>
    internal static Vendor12 VendorName;
    /// <summary>"KVMKVMKVM", "TCGTCGTCGTCG", "Microsoft Hv", "VMwareVMware", or empty.</summary>
    internal static Vendor12 HypervisorName;

    [System.Runtime.CompilerServices.InlineArray(12)]
    internal struct Vendor12 { private byte _element; }

    internal static void Detect()
    {
        Cpu.CpuidResult leaf0 = Cpu.Cpuid(0);
        MaxLeaf = leaf0.Eax;
        Store(ref VendorName, leaf0.Ebx, leaf0.Edx, leaf0.Ecx);

        Cpu.CpuidResult leaf1 = Cpu.Cpuid(1);
        Stepping = leaf1.Eax & 0xF;
        Model = (leaf1.Eax >> 4) & 0xF;
        Family = (leaf1.Eax >> 8) & 0xF;
        if (Family == 0xF)
        {
            Family += (leaf1.Eax >> 20) & 0xFF;
        }

        if (Family == 0x6 || Family >= 0xF)
        {
            Model |= ((leaf1.Eax >> 16) & 0xF) << 4;
        }

        Sse2 = (leaf1.Edx & (1u << 26)) != 0;
        Sse3 = (leaf1.Ecx & (1u << 0)) != 0;
        Ssse3 = (leaf1.Ecx & (1u << 9)) != 0;
        Sse41 = (leaf1.Ecx & (1u << 19)) != 0;
        Sse42 = (leaf1.Ecx & (1u << 20)) != 0;
        X2Apic = (leaf1.Ecx & (1u << 21)) != 0;
        Xsave = (leaf1.Ecx & (1u << 26)) != 0;
        Avx = (leaf1.Ecx & (1u << 28)) != 0;
        RdRand = (leaf1.Ecx & (1u << 30)) != 0;
        Hypervisor = (leaf1.Ecx & (1u << 31)) != 0;

        if (MaxLeaf >= 7)
        {
            Cpu.CpuidResult leaf7 = Cpu.Cpuid(7, 0);
            Avx2 = (leaf7.Ebx & (1u << 5)) != 0;
            RdSeed = (leaf7.Ebx & (1u << 18)) != 0;
        }

        MaxExtendedLeaf = Cpu.Cpuid(0x80000000).Eax;
        if (MaxExtendedLeaf >= 0x80000001)
        {
            Cpu.CpuidResult ext1 = Cpu.Cpuid(0x80000001);
            NoExecute = (ext1.Edx & (1u << 20)) != 0;
            Pages1G = (ext1.Edx & (1u << 26)) != 0;
        }
        if (MaxExtendedLeaf >= 0x80000007)
        {
            InvariantTsc = (Cpu.Cpuid(0x80000007).Edx & (1u << 8)) != 0;
        }

        if (Hypervisor)
        {
            Cpu.CpuidResult hv = Cpu.Cpuid(0x40000000);
            Store(ref HypervisorName, hv.Ebx, hv.Ecx, hv.Edx);
        }
    }

    /// <summary>The name without trailing NULs.</summary>
    internal static System.ReadOnlySpan<byte> Trimmed(ref Vendor12 name)
    {
        System.ReadOnlySpan<byte> all = System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref name[0], 12);
        int length = 12;
        while (length > 0 && all[length - 1] == 0)
        {
            length--;
        }

        return all.Slice(0, length);
    }

    private static void Store(ref Vendor12 name, uint a, uint b, uint c)
    {
        for (int i = 0; i < 4; i++)
        {
            name[i] = (byte)(a >> (8 * i));
            name[4 + i] = (byte)(b >> (8 * i));
            name[8 + i] = (byte)(c >> (8 * i));
        }
    }
}
