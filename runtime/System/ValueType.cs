namespace System;

/// <summary>Base class of value types.</summary>
public abstract class ValueType { }

/// <summary>Base class of enums.</summary>
public abstract class Enum : ValueType { }

/// <summary>The type of no value.</summary>
public struct Void { }
