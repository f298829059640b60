using System.Collections.Generic;
using System.IO;
using System.Linq;
using Mk.Manifests;
using Xunit;

namespace Mk.Tests;

/// <summary>One bad manifest per error class: the error must name the right line and
/// column and carry a useful hint.</summary>
public sealed class ManifestErrorTests : System.IDisposable
{
    private readonly string _servicesRoot = Repository.FakeServicesRoot("echo-server", "echo-client", "hello", "crasher", "supervisor");
    private ServiceCatalog Catalog => ServiceCatalog.Load(_servicesRoot);

    public void Dispose() => Directory.Delete(_servicesRoot, true);

    private IReadOnlyList<ManifestDiagnostic> Errors(string yaml)
    {
        ManifestParseResult result = ManifestParser.Parse(yaml.Replace("\r", ""), "bad.yaml", Catalog);
        Assert.False(result.Succeeded);
        Assert.Null(result.Manifest);
        Assert.All(result.Errors, e => Assert.Equal("bad.yaml", e.File));
        return result.Errors;
    }

    private ManifestDiagnostic Single(string yaml)
    {
        IReadOnlyList<ManifestDiagnostic> errors = Errors(yaml);
        return Assert.Single(errors);
    }

    private static void At(ManifestDiagnostic e, int line, int column)
    {
        Assert.True(e.Position == new SourcePosition(line, column), $"expected {line}:{column}, got {e}");
    }

    [Fact]
    public void Printed_form_is_file_line_column_error_then_hint()
    {
        var e = new ManifestDiagnostic("images/x.yaml", new SourcePosition(3, 5), "unknown service `x`", "did you mean `y`?");
        Assert.Equal("images/x.yaml:3:5: error: unknown service `x`\n  hint: did you mean `y`?", e.ToString());
    }

    [Fact]
    public void Yaml_syntax_error_is_located()
    {
        ManifestDiagnostic e = Single("name: x\nservices:\n  hello: {}\n   bad: [\n");
        Assert.StartsWith("YAML syntax", e.Message);
        Assert.True(e.Position.Line >= 3, e.ToString());
        Assert.Contains("indentation", e.Hint);
    }

    [Fact]
    public void Unclosed_flow_mapping_is_a_syntax_error_not_a_crash()
    {
        ManifestDiagnostic e = Single("name: x\nservices:\n  hello: {\n  x: [\n");
        Assert.StartsWith("YAML syntax", e.Message);
        Assert.Equal(4, e.Position.Line);
        Assert.Contains("close every", e.Hint);
    }

    [Fact]
    public void Unknown_top_level_key_suggests_the_nearest()
    {
        ManifestDiagnostic e = Single("name: x\nmemroy: 64M\nservices:\n  hello: {}\n");
        At(e, 2, 1);
        Assert.Equal("unknown top-level key `memroy`", e.Message);
        Assert.StartsWith("did you mean `memory`?", e.Hint);
    }

    [Fact]
    public void Unknown_right_is_located_with_the_nearest_valid_one()
    {
        ManifestDiagnostic e = Single("name: x\nservices:\n  hello:\n    rights: [log-raed]\n");
        At(e, 4, 14);
        Assert.Equal("unknown right `log-raed`", e.Message);
        Assert.StartsWith("did you mean `log-read`?", e.Hint);
    }

    [Fact]
    public void Rights_are_kept_in_the_manifest()
    {
        ManifestParseResult result = ManifestParser.Parse("name: x\nservices:\n  hello:\n    rights: [log-read, power]\n", "ok.yaml", Catalog);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(new[] { "log-read", "power" }, result.Manifest!.StartOrder.Single().Rights);
    }

    [Fact]
    public void Unknown_service_key_suggests_the_nearest()
    {
        ManifestDiagnostic e = Single("name: x\nservices:\n  hello:\n    restrat: never\n");
        At(e, 4, 5);
        Assert.Equal("unknown service key `restrat`", e.Message);
        Assert.StartsWith("did you mean `restart`?", e.Hint);
    }

    [Fact]
    public void Unknown_kernel_key_suggests_flavour()
    {
        ManifestDiagnostic e = Single("name: x\nkernel:\n  flavor: test\nservices:\n  hello: {}\n");
        At(e, 3, 3);
        Assert.StartsWith("did you mean `flavour`?", e.Hint);
    }

    [Theory]
    [InlineData("lots", "not a size")]
    [InlineData("128", "not a size")]
    [InlineData("8M", "less than the minimum")]
    [InlineData("1500K", "not a whole number of MiB")]
    [InlineData("[1, 2]", "must be a size")]
    public void Memory_must_be_a_size(string value, string why)
    {
        ManifestDiagnostic e = Single($"name: x\nmemory: {value}\nservices:\n  hello: {{}}\n");
        At(e, 2, 9);
        Assert.Contains(why, e.Message);
        Assert.NotNull(e.Hint);
    }

    [Fact]
    public void Bare_memory_number_hint_adds_the_unit()
    {
        ManifestDiagnostic e = Single("name: x\nmemory: 256\nservices:\n  hello: {}\n");
        Assert.Equal("add a unit: `memory: 256M`", e.Hint);
    }

    [Theory]
    [InlineData("two", "not `two`")]
    [InlineData("\"2\"", "not a quoted string")]
    [InlineData("0", "outside 1 to 64")]
    [InlineData("65", "outside 1 to 64")]
    public void Smp_must_be_an_integer_in_range(string value, string why)
    {
        ManifestDiagnostic e = Single($"name: x\nsmp: {value}\nservices:\n  hello: {{}}\n");
        At(e, 2, 6);
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void Restart_must_be_one_of_the_policies()
    {
        ManifestDiagnostic e = Single("name: x\nservices:\n  hello:\n    restart: on-failur\n");
        At(e, 4, 14);
        Assert.Contains("always, on-failure or never", e.Message);
        Assert.StartsWith("did you mean `on-failure`?", e.Hint);
    }

    [Fact]
    public void Max_restarts_is_bounded()
    {
        ManifestDiagnostic e = Single("name: x\nservices:\n  hello:\n    max_restarts: 101\n");
        At(e, 4, 19);
        Assert.Contains("outside 0 to 100", e.Message);
    }

    [Fact]
    public void Unknown_service_suggests_the_nearest_existing_one()
    {
        ManifestDiagnostic e = Single("name: x\nservices:\n  echo-sever: {}\n");
        At(e, 3, 3);
        Assert.Equal("unknown service `echo-sever`", e.Message);
        Assert.StartsWith("did you mean `echo-server`?", e.Hint);
        Assert.DoesNotContain("not-a-service", e.Hint);
    }

    [Fact]
    public void Limits_of_the_supervisors_reader_are_enforced()
    {
        IReadOnlyList<ManifestDiagnostic> errors = Errors($"name: x\nservices:\n  hello: {{}}\n  crasher:\n    after: [echo-server, echo-client, hello, a, b, c, d, e, f]\n");
        Assert.Contains(errors, e => e.Message == "`crasher` lists more than 8 services in `after`" && e.Position == new SourcePosition(5, 61));
    }

    [Fact]
    public void Supervisor_is_not_a_manifest_service()
    {
        ManifestDiagnostic e = Single("name: x\nservices:\n  supervisor: {}\n  hello: {}\n");
        At(e, 3, 3);
        Assert.Contains("started by the kernel", e.Message);
        Assert.Equal("remove it from services", e.Hint);
        ManifestDiagnostic unknown = Single("name: x\nservices:\n  helo: {}\n");
        Assert.DoesNotContain("supervisor", unknown.Hint);
    }

    [Fact]
    public void After_must_name_a_service_of_this_image()
    {
        ManifestDiagnostic e = Single("name: x\nservices:\n  hello:\n    after: [crasher]\n");
        At(e, 4, 13);
        Assert.Contains("`hello` comes after `crasher`, which is not a service of this image", e.Message);
        Assert.Equal("add `crasher: {}` under services, or remove it from `after`", e.Hint);
    }

    [Fact]
    public void Channel_must_name_a_service_of_this_image()
    {
        ManifestDiagnostic e = Single("name: x\nservices:\n  echo-client:\n    channels:\n      - to: echo-servr\n  echo-server: {}\n");
        At(e, 5, 13);
        Assert.Contains("opens a channel to `echo-servr`, which is not a service of this image", e.Message);
        Assert.StartsWith("did you mean `echo-server`?", e.Hint);
    }

    [Fact]
    public void Channel_to_itself_is_refused()
    {
        ManifestDiagnostic e = Single("name: x\nservices:\n  hello:\n    channels:\n      - to: hello\n");
        At(e, 5, 13);
        Assert.Equal("`hello` opens a channel to itself", e.Message);
        Assert.Contains("remove this entry", e.Hint);
    }

    [Fact]
    public void Dependency_cycle_is_named()
    {
        ManifestDiagnostic e = Single(
            "name: x\nservices:\n  hello:\n    after: [echo-client]\n  echo-server:\n    after: [hello]\n  echo-client:\n    after: [echo-server]\n  crasher: {}\n");
        At(e, 4, 13);
        Assert.Equal("dependency cycle: hello -> echo-client -> echo-server -> hello", e.Message);
        Assert.Contains("remove one of these `after` entries", e.Hint);
    }

    [Fact]
    public void A_service_after_itself_is_a_cycle()
    {
        ManifestDiagnostic e = Single("name: x\nservices:\n  hello:\n    after: [hello]\n");
        Assert.Equal("dependency cycle: hello -> hello", e.Message);
    }

    [Fact]
    public void Duplicate_keys_are_refused_at_the_second()
    {
        IReadOnlyList<ManifestDiagnostic> errors = Errors("name: x\nservices:\n  hello: {}\n  hello: {}\nname: y\n");
        Assert.Equal(2, errors.Count);
        At(errors[0], 4, 3);
        Assert.Equal("duplicate key `hello` (first at line 3)", errors[0].Message);
        At(errors[1], 5, 1);
        Assert.Equal("duplicate key `name` (first at line 1)", errors[1].Message);
        Assert.Contains("keep one of them", errors[1].Hint);
    }

    [Fact]
    public void Missing_name_and_services_are_both_reported()
    {
        IReadOnlyList<ManifestDiagnostic> errors = Errors("memory: 64M\n");
        Assert.Equal(new[] { "missing `name`", "missing `services`" }, errors.Select(e => e.Message));
        Assert.All(errors, e => At(e, 1, 1));
        Assert.Contains("name: my-image", errors[0].Hint);
    }

    [Fact]
    public void Empty_file_is_reported()
    {
        ManifestDiagnostic e = Single("");
        At(e, 1, 1);
        Assert.Contains("missing `name` and `services`", e.Message);
    }

    [Fact]
    public void Bad_image_name_is_refused()
    {
        ManifestDiagnostic e = Single("name: My_Image\nservices:\n  hello: {}\n");
        At(e, 1, 7);
        Assert.Contains("a-z, 0-9 and -", e.Message);
    }

    [Fact]
    public void After_written_as_a_scalar_gets_a_list_hint()
    {
        ManifestDiagnostic e = Single("name: x\nservices:\n  echo-server: {}\n  hello:\n    after: echo-server\n");
        At(e, 5, 12);
        Assert.Equal("write `after: [echo-server]`", e.Hint);
    }

    [Fact]
    public void Several_errors_are_reported_together_in_file_order()
    {
        IReadOnlyList<ManifestDiagnostic> errors = Errors("name: x\nsmp: lots\nservices:\n  helo: {}\n  hello:\n    restart: sometimes\n");
        Assert.Equal(new[] { 2, 4, 6 }, errors.Select(e => e.Position.Line));
    }

    [Fact]
    public void Channels_imply_no_order()
    {
        ManifestParseResult result = ManifestParser.Parse(
            "name: x\nservices:\n  echo-client:\n    channels:\n      - to: echo-server\n  echo-server: {}\n", "ok.yaml", Catalog);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(new[] { "echo-client", "echo-server" }, result.Manifest!.StartOrder.Select(s => s.Name));
    }
}
