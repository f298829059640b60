using System;
using System.Collections.Generic;
using System.Linq;

namespace Mk.Manifests;

/// <summary>The order services start in: every service after all of its <c>after</c>
/// services, and among those free to start, the one earliest in the file first (a stable
/// topological sort). Channels impose no order.</summary>
public static class StartOrder
{
    /// <summary>Sorts <paramref name="fileOrder"/>. Returns false when the <c>after</c> edges
    /// hold a cycle; <paramref name="cycle"/> then names it from the service earliest in the
    /// file back to itself (<c>a, b, a</c> for "a after b after a"). Every <c>after</c> name
    /// must be one of the services.</summary>
    public static bool TryCompute(IReadOnlyList<ServiceSpec> fileOrder, out IReadOnlyList<ServiceSpec> order,
        out IReadOnlyList<string> cycle)
    {
        ArgumentNullException.ThrowIfNull(fileOrder);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < fileOrder.Count; i++)
        {
            index[fileOrder[i].Name] = i;
        }

        bool[] placed = new bool[fileOrder.Count];
        var result = new List<ServiceSpec>(fileOrder.Count);
        while (result.Count < fileOrder.Count)
        {
            int next = -1;
            for (int i = 0; i < fileOrder.Count && next < 0; i++)
            {
                if (!placed[i] && fileOrder[i].After.All(a => placed[index[a]]))
                {
                    next = i;
                }
            }
            if (next < 0)
            {
                order = result;
                cycle = FindCycle(fileOrder, index, placed);
                return false;
            }
            placed[next] = true;
            result.Add(fileOrder[next]);
        }
        order = result;
        cycle = Array.Empty<string>();
        return true;
    }

    // Every unplaced service waits for at least one unplaced service, so following the first
    // such edge from any of them must come back to a service already on the path.
    private static List<string> FindCycle(IReadOnlyList<ServiceSpec> services, Dictionary<string, int> index, bool[] placed)
    {
        int start = Array.IndexOf(placed, false);
        var path = new List<int>();
        var onPath = new Dictionary<int, int>();
        int current = start;
        while (!onPath.ContainsKey(current))
        {
            onPath[current] = path.Count;
            path.Add(current);
            current = services[current].After.Select(a => index[a]).First(i => !placed[i]);
        }
        List<int> loop = path.GetRange(onPath[current], path.Count - onPath[current]);
        // Name the cycle from the member earliest in the file, for a stable message.
        int first = loop.IndexOf(loop.Min());
        var names = new List<string>(loop.Count + 1);
        for (int k = 0; k <= loop.Count; k++)
        {
            names.Add(services[loop[(first + k) % loop.Count]].Name);
        }

        return names;
    }
}
