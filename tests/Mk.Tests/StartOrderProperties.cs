using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Microkernel.Tests;
using Mk.Manifests;
using Xunit;

namespace Mk.Tests;

/// <summary>Random service graphs, written as manifests over fake service folders and read
/// back: a DAG always gives a start order that respects every <c>after</c> and breaks ties
/// by file order; a graph with a cycle is always refused, naming a real cycle.</summary>
public sealed class StartOrderProperties : IDisposable
{
    private const int MaxServices = 10;
    private static readonly string[] s_names = Enumerable.Range(0, MaxServices).Select(i => $"svc-{i}").ToArray();
    private readonly string _servicesRoot = Repository.FakeServicesRoot(s_names);

    public void Dispose() => Directory.Delete(_servicesRoot, true);

    /// <summary>after[i] = file indices service i waits for.</summary>
    private sealed record Graph(int[][] After)
    {
        public override string ToString() =>
            string.Join("; ", After.Select((a, i) => $"{i}<-[{string.Join(",", a)}]"));
    }

    // Each service gets a hidden rank (a random permutation); an edge i after j is allowed
    // only when j ranks lower, so the graph is acyclic whatever the file order.
    private static readonly Gen<Graph> s_dags =
        from n in Gen.Choose(1, MaxServices)
        from keys in Gen.ArrayOf(Gen.Choose(0, 1_000_000), n)
        from edges in Gen.ArrayOf(Gen.Frequency((1, Gen.Constant(true)), (2, Gen.Constant(false))), n * n)
        select new Graph(Enumerable.Range(0, n)
            .Select(i => Enumerable.Range(0, n)
                .Where(j => (keys[j], j).CompareTo((keys[i], i)) < 0 && edges[i * n + j])
                // At most 7, so a cycle edge added later stays within the supervisor's limit
                // of 8 `after` entries (a 9th is a different error, which made this flaky).
                .Take(7)
                .ToArray())
            .ToArray());

    private static readonly Gen<(Graph Graph, int[] Cycle)> s_cyclic =
        from dag in s_dags
        from length in Gen.Choose(1, Math.Min(4, dag.After.Length))
        from keys in Gen.ArrayOf(Gen.Choose(0, 1_000_000), dag.After.Length)
        let members = Enumerable.Range(0, dag.After.Length).OrderBy(i => keys[i]).Take(length).ToArray()
        select (AddCycle(dag, members), members);

    private static Graph AddCycle(Graph dag, int[] members)
    {
        int[][] after = dag.After.Select(a => a.ToArray()).ToArray();
        for (int m = 0; m < members.Length; m++)
        {
            int from = members[m], to = members[(m + 1) % members.Length];
            if (!after[from].Contains(to))
            {
                after[from] = after[from].Append(to).ToArray();
            }
        }
        return new Graph(after);
    }

    private static string ToYaml(Graph graph)
    {
        var text = new StringBuilder("name: random\nservices:\n");
        for (int i = 0; i < graph.After.Length; i++)
        {
            if (graph.After[i].Length == 0) { text.Append($"  {s_names[i]}: {{}}\n"); continue; }
            text.Append($"  {s_names[i]}:\n    after: [{string.Join(", ", graph.After[i].Select(j => s_names[j]))}]\n");
        }
        return text.ToString();
    }

    private ManifestParseResult Parse(Graph graph) =>
        ManifestParser.Parse(ToYaml(graph), "random.yaml", ServiceCatalog.Load(_servicesRoot));

    [Fact]
    public void Dag_start_order_respects_after_and_keeps_file_order_for_ties()
    {
        PropertyCheck.ForAll(s_dags, graph =>
        {
            ManifestParseResult result = Parse(graph);
            Assert.True(result.Succeeded, string.Join("\n", result.Errors));
            int[] order = result.Manifest!.StartOrder.Select(s => Array.IndexOf(s_names, s.Name)).ToArray();
            int n = graph.After.Length;
            Assert.Equal(Enumerable.Range(0, n), order.Order());
            int[] position = new int[n];
            for (int k = 0; k < n; k++)
            {
                position[order[k]] = k;
            }

            for (int i = 0; i < n; i++)
            {
                foreach (int j in graph.After[i])
                {
                    Assert.True(position[j] < position[i], $"{i} starts before {j}");
                }
            }
            // Ties: at each step the service started is the earliest in the file of those
            // whose after-services have all started.
            var started = new HashSet<int>();
            foreach (int chosen in order)
            {
                int earliestReady = Enumerable.Range(0, n).First(i => !started.Contains(i) && graph.After[i].All(started.Contains));
                Assert.Equal(earliestReady, chosen);
                started.Add(chosen);
            }
        }, cases: 500);
    }

    [Fact]
    public void Without_after_the_start_order_is_the_file_order()
    {
        PropertyCheck.ForAll(Gen.Choose(1, MaxServices), n =>
        {
            var graph = new Graph(Enumerable.Range(0, n).Select(_ => Array.Empty<int>()).ToArray());
            ManifestParseResult result = Parse(graph);
            Assert.Equal(s_names.Take(n), result.Manifest!.StartOrder.Select(s => s.Name));
        }, cases: 20);
    }

    [Fact]
    public void A_graph_with_a_cycle_is_always_refused_with_a_real_cycle_named()
    {
        PropertyCheck.ForAll(s_cyclic, input =>
        {
            ManifestParseResult result = Parse(input.Graph);
            Assert.False(result.Succeeded);
            ManifestDiagnostic error = Assert.Single(result.Errors);
            const string Prefix = "dependency cycle: ";
            Assert.StartsWith(Prefix, error.Message);
            int[] named = error.Message[Prefix.Length..].Split(" -> ").Select(s => Array.IndexOf(s_names, s)).ToArray();
            Assert.True(named.Length >= 2);
            Assert.Equal(named[0], named[^1]);
            for (int k = 0; k + 1 < named.Length; k++)
            {
                Assert.Contains(named[k + 1], input.Graph.After[named[k]]);
            }
            // Named from its member earliest in the file.
            Assert.Equal(named[..^1].Min(), named[0]);
        }, cases: 500);
    }
}
