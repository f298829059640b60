using Microkernel.UserRuntime;

namespace Microkernel.Services.Contracts;

/// <summary>What the in-image benchmark services share: the median of TSC samples and
/// the <c>bench: name=value</c> line bench/ImageBench reads.</summary>
public static unsafe class BenchReport
{
    /// <summary>Sorts <paramref name="values"/> in place and returns the median.</summary>
    public static ulong Median(ulong* values, int count)
    {
        for (int i = 1; i < count; i++)
        {
            ulong v = values[i];
            int j = i - 1;
            while (j >= 0 && values[j] > v) { values[j + 1] = values[j]; j--; }
            values[j + 1] = v;
        }
        return values[count / 2];
    }

    /// <summary>Logs <c>bench: NAME=VALUE</c>.</summary>
    public static void Report(System.ReadOnlySpan<byte> name, ulong value)
    {
        System.Span<byte> line = stackalloc byte[80];
        "bench: "u8.CopyTo(line);
        int n = 7;
        name.CopyTo(line.Slice(n));
        n += name.Length;
        line[n++] = (byte)'=';
        n += Microkernel.Text.IntegerFormatter.FormatDecimal(value, line.Slice(n));
        SystemCall.Log(line.Slice(0, n));
    }
}
