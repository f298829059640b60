using System;
using FsCheck;
using FsCheck.Fluent;

namespace Microkernel.Tests;

/// <summary>Runs an FsCheck property over a generator; assertion failures inside the body
/// fail the property, which FsCheck reports with the counterexample.</summary>
public static class PropertyCheck
{
    public const int Cases = 1000;

    public static void ForAll<T>(Gen<T> gen, Action<T> body, int cases = Cases)
    {
        Property property = Prop.ForAll(gen.ToArbitrary(), (T value) =>
        {
            body(value);
            return true;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(cases).WithQuietOnSuccess(true), property);
    }
}
