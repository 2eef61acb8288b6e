using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace OrleansKv.Server.Configuration;

/// <summary>
/// <see cref="RangeAttribute"/> whose message may also quote the value refused: in <see cref="ValidationAttribute.ErrorMessage"/>
/// <c>{1}</c> and <c>{2}</c> are the bounds, as for <see cref="RangeAttribute"/>, and <c>{3}</c> is the value, so that a
/// start-up line says what was set ("HTTP_PORT must be between 1 and 65535, not 0.").
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class SettingRangeAttribute : RangeAttribute
{
    public SettingRangeAttribute(int minimum, int maximum)
        : base(minimum, maximum)
    {
    }

    public SettingRangeAttribute([DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] Type type, string minimum, string maximum)
        : base(type, minimum, maximum)
    {
        ParseLimitsInInvariantCulture = true;
        ConvertValueInInvariantCulture = true;
    }

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        IsValid(value)
            ? ValidationResult.Success
            : new ValidationResult(string.Format(CultureInfo.InvariantCulture, ErrorMessageString, validationContext.DisplayName, Minimum, Maximum, value));
}
