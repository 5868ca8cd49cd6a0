namespace FeedbackConsole.Core.Common;

/// <summary>The outcome of a use case that may be refused for a reason the user should read.</summary>
public readonly record struct Result(bool Succeeded, string? Error)
{
    public static Result Ok() => new(true, null);

    public static Result Fail(string error) => new(false, error);
}

/// <summary>The outcome of a use case that yields a value when it succeeds.</summary>
public readonly record struct Result<T>(bool Succeeded, T? Value, string? Error)
{
    public static Result<T> Ok(T value) => new(true, value, null);

    public static Result<T> Fail(string error) => new(false, default, error);
}
