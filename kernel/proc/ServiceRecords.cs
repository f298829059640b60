namespace Microkernel.Process;

/// <summary>What the kernel remembers about each service by name across its
/// processes: how often it started and ended, and its last exit status. Read by the
/// in-image tests and (later) published through the store.</summary>
internal static class ServiceRecords
{
    private const int Capacity = 32;
    private const int NameBytes = 32;

    private static readonly byte[] s_names = new byte[Capacity * NameBytes];
    private static readonly int[] s_nameLengths = new int[Capacity];
    private static readonly int[] s_starts = new int[Capacity];
    private static readonly int[] s_exits = new int[Capacity];
    private static readonly long[] s_lastStatus = new long[Capacity];
    private static int s_count;

    /// <summary>Counts a start of <paramref name="name"/>.</summary>
    internal static void Started(System.ReadOnlySpan<byte> name)
    {
        int i = Slot(name, create: true);
        if (i >= 0)
        {
            s_starts[i]++;
        }
    }

    /// <summary>Counts an end of <paramref name="name"/> with <paramref name="status"/>.</summary>
    internal static void Ended(System.ReadOnlySpan<byte> name, long status)
    {
        int i = Slot(name, create: true);
        if (i < 0)
        {
            return;
        }

        s_exits[i]++;
        s_lastStatus[i] = status;
    }

    /// <summary>Services recorded so far (never shrinks).</summary>
    internal static int Count => s_count;

    /// <summary>The name of record <paramref name="index"/>.</summary>
    internal static System.ReadOnlySpan<byte> NameAt(int index) =>
        (uint)index < (uint)s_count ? new System.ReadOnlySpan<byte>(s_names, index * NameBytes, s_nameLengths[index]) : default;

    /// <summary>Starts of <paramref name="name"/> so far (0 if never).</summary>
    internal static int StartsOf(System.ReadOnlySpan<byte> name)
    {
        int i = Slot(name, create: false);
        return i < 0 ? 0 : s_starts[i];
    }

    /// <summary>Ends of <paramref name="name"/> so far.</summary>
    internal static int ExitsOf(System.ReadOnlySpan<byte> name)
    {
        int i = Slot(name, create: false);
        return i < 0 ? 0 : s_exits[i];
    }

    /// <summary>The status of <paramref name="name"/>'s last end (0 if it never ended).</summary>
    internal static long LastStatusOf(System.ReadOnlySpan<byte> name)
    {
        int i = Slot(name, create: false);
        return i < 0 ? 0 : s_lastStatus[i];
    }

    private static int Slot(System.ReadOnlySpan<byte> name, bool create)
    {
        if (name.Length > NameBytes)
        {
            return -1;
        }

        for (int i = 0; i < s_count; i++)
        {
            if (s_nameLengths[i] == name.Length && System.MemoryExtensions.SequenceEqual(new System.ReadOnlySpan<byte>(s_names, i * NameBytes, name.Length), name))
            {
                return i;
            }
        }
        if (!create || s_count == Capacity)
        {
            return -1;
        }

        name.CopyTo(new System.Span<byte>(s_names, s_count * NameBytes, NameBytes));
        s_nameLengths[s_count] = name.Length;
        return s_count++;
    }
}
