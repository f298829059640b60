using System;
using System.Collections.Generic;

namespace Mk.Manifests;

/// <summary>"Did you mean" suggestions by edit distance.</summary>
public static class NameSuggestion
{
    /// <summary>Levenshtein distance (insert, delete, substitute each cost 1).</summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int[] previous = new int[b.Length + 1];
        int[] current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitute, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    /// <summary>The candidate nearest to <paramref name="name"/>, or null when even the
    /// nearest differs in more than half its letters (then it is no real suggestion).
    /// Ties go to the earlier candidate.</summary>
    public static string? Nearest(string name, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            int d = Distance(name, candidate);
            if (d < bestDistance)
            {
                best = candidate;
                bestDistance = d;
            }
        }
        if (best is null)
        {
            return null;
        }

        return bestDistance <= Math.Max(2, Math.Max(name.Length, best.Length) / 2) ? best : null;
    }
}
