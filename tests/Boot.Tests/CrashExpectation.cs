namespace Microkernel.BootTests;

/// <summary>What one deliberate crash of the test image must report.</summary>
/// <param name="Case">The <c>crash=</c> value.</param>
/// <param name="Reason">Text the <c>*** PANIC:</c> line must contain.</param>
/// <param name="Method">Part of the NativeAOT symbol of the method that crashes, e.g.
/// <c>CrashCases__NullDereference</c>.</param>
/// <param name="OnRip">True when the symbolizer must name the method on the <c>rip</c> row
/// (the fault is in it); false when on some <c>#N</c> frame row (it called the faulting code).</param>
public sealed record CrashExpectation(string Case, string Reason, string Method, bool OnRip);
