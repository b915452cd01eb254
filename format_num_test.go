package runnel

import (
	"math"
	"strings"
	"testing"
)

// TestPyFormat checks pyFormat against Python's "%" operator. The cases
// include Django's stringformat tests (the first four and the errors right
// after them); every expected value was produced by CPython 3.11, and false
// marks the cases where Python raises, so that the filter outputs "".
func TestPyFormat(t *testing.T) {
	tests := []struct {
		spec string
		v    any
		want string
		ok   bool
	}{
		{"03d", 1, "001", true},
		{"s", []any{1, nil}, "[1, None]", true},
		{"s", map[string]any{"a": "b"}, "{'a': 'b'}", true},
		{"5s", "a<b", "  a<b", true},
		{"z", 1, "", false},        // ValueError
		{"d", nil, "", false},      // TypeError
		{"d", []any{1}, "", false}, // TypeError
		{"d", 42, "42", true},
		{"i", -42, "-42", true},
		{"u", 7, "7", true},
		{"5d", 42, "   42", true},
		{"-5d|", 42, "42   |", true},
		{"05d", -42, "-0042", true},
		{"+d", 5, "+5", true},
		{" d", 5, " 5", true},
		{"+ d", 5, "+5", true},
		{".3d", 5, "005", true},
		{"08.3d", -3, "-0000003", true},
		{".0d", 0, "0", true},
		{"d", 3.99, "3", true},
		{"d", -3.99, "-3", true},
		{"d", 1e+20, "100000000000000000000", true},
		{"d", true, "1", true},
		{"d", false, "0", true},
		{"d", "5", "", false},         // TypeError
		{"d", math.NaN(), "", false},  // ValueError
		{"d", math.Inf(1), "", false}, // OverflowError
		{"d", 9223372036854775807, "9223372036854775807", true},
		{"d", int64(-9223372036854775808), "-9223372036854775808", true},
		{"d", uint64(18446744073709551615), "18446744073709551615", true},
		{"x", 255, "ff", true},
		{"X", 255, "FF", true},
		{"#x", 255, "0xff", true},
		{"#X", 255, "0XFF", true},
		{"#o", 8, "0o10", true},
		{"o", 8, "10", true},
		{"x", -255, "-ff", true},
		{"#x", -255, "-0xff", true},
		{"#05x", 255, "0x0ff", true},
		{"#.3x", 5, "0x005", true},
		{"x", 3.0, "", false}, // TypeError
		{"x", true, "1", true},
		{"x", uint64(18446744073709551615), "ffffffffffffffff", true},
		{"f", 3.14159, "3.141590", true},
		{".2f", 2.675, "2.67", true},
		{".0f", 0.5, "0", true},
		{".0f", 1.5, "2", true},
		{".0f", 2.5, "2", true},
		{"#.0f", 3.0, "3.", true},
		{"10.3f", 3.14159, "     3.142", true},
		{"-10.3f|", 3.14159, "3.142     |", true},
		{"010.3f", -3.14159, "-00003.142", true},
		{"+.1f", 0.05, "+0.1", true},
		{"f", 1e+300, "1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160.000000", true},
		{"f", 5, "5.000000", true},
		{"f", true, "1.000000", true},
		{"f", "1", "", false}, // TypeError
		{"f", nil, "", false}, // TypeError
		{"F", math.Inf(1), "INF", true},
		{"f", math.Inf(-1), "-inf", true},
		{"05f", math.Inf(1), "00inf", true},
		{"+f", math.NaN(), "+nan", true},
		{"F", math.NaN(), "NAN", true},
		{"f", math.Copysign(0, -1), "-0.000000", true},
		{".1f", -0.04, "-0.0", true},
		{"e", 0.0, "0.000000e+00", true},
		{"e", 12345.678, "1.234568e+04", true},
		{"E", 12345.678, "1.234568E+04", true},
		{".2e", 12345.678, "1.23e+04", true},
		{"+.2e", 12345.678, "+1.23e+04", true},
		{"#.0e", 3.0, "3.e+00", true},
		{"e", 1e+100, "1.000000e+100", true},
		{"e", 1e-300, "1.000000e-300", true},
		{"e", 5e-324, "4.940656e-324", true},
		{"e", 10, "1.000000e+01", true},
		{"g", 0.0, "0", true},
		{"g", 1e-05, "1e-05", true},
		{"g", 0.0001, "0.0001", true},
		{"g", 123456.0, "123456", true},
		{"g", 1234567.0, "1.23457e+06", true},
		{"g", 123456789.0, "1.23457e+08", true},
		{"G", 1e-10, "1E-10", true},
		{"#g", 1.5, "1.50000", true},
		{".0g", 123.0, "1e+02", true},
		{".3g", 1e-05, "1e-05", true},
		{".3g", 3.14159, "3.14", true},
		{"g", 1e+16, "1e+16", true},
		{"g", 100000.0, "100000", true},
		{"g", 9.9999999, "10", true},
		{"#.3g", 1.0, "1.00", true},
		{"10.4g|", 3.14159, "     3.142|", true},
		{"g", 42, "42", true},
		{"c", 65, "A", true},
		{"c", "x", "x", true},
		{"c", "é", "é", true},
		{"c", "ab", "", false}, // TypeError
		{"c", 128512, "😀", true},
		{"c", -1, "", false},      // OverflowError
		{"c", 1114112, "", false}, // OverflowError
		{"c", 3.0, "", false},     // TypeError
		{"3c|", "a", "  a|", true},
		{"-3c|", "a", "a  |", true},
		{"s", "hello", "hello", true},
		{"10s|", "hello", "     hello|", true},
		{"-10s|", "hello", "hello     |", true},
		{".2s", "hello", "he", true},
		{"5.1s", "hello", "    h", true},
		{"05s", "ab", "   ab", true},
		{"s", nil, "None", true},
		{"s", true, "True", true},
		{"s", 1.5, "1.5", true},
		{"s", 1e+16, "1e+16", true},
		{"s", 1e+22, "1e+22", true},
		{"s", 42, "42", true},
		{"s", []any{"a", "b'"}, "['a', \"b'\"]", true},
		{".3s", "日本語です", "日本語", true},
		{"6s|", "日本", "    日本|", true},
		{"r", "it's", "\"it's\"", true},
		{"r", "say \"hi\"", "'say \"hi\"'", true},
		{"r", "both ' \"", "'both \\' \"'", true},
		{"r", "a\nb\t\\", "'a\\nb\\t\\\\'", true},
		{"r", "\x00\x7f\u0080\u00a0", "'\\x00\\x7f\\x80\\xa0'", true},
		{"r", "é日😀", "'é日😀'", true},
		{"r", "\u200b", "'\\u200b'", true},
		{"r", 42, "42", true},
		{"r", nil, "None", true},
		{"r", 1.5, "1.5", true},
		{"r", []any{"a"}, "['a']", true},
		{".3r", "hello", "'he", true},
		{"a", "é", "'\\xe9'", true},
		{"a", "日😀", "'\\u65e5\\U0001f600'", true},
		{"a", []any{"é"}, "['\\xe9']", true},
		{"a", 5, "5", true},
		{"%", 1, "", false}, // TypeError
		{"s%%", 1, "1%", true},
		{"%%%s", 1, "", false}, // TypeError
		{"5%", 1, "", false},   // ValueError
		{"", 1, "", false},     // ValueError
		{"5", 1, "", false},    // ValueError
		{"s %s", 1, "", false}, // TypeError
		{"s and more", 1, "1 and more", true},
		{"ld", 5, "5", true},
		{"hd", 5, "5", true},
		{"Lf", 1.5, "1.500000", true},
		{"*d", 5, "", false},    // TypeError
		{".*f", 1.5, "", false}, // TypeError
		{"(k)s", map[string]any{"k": "v"}, "v", true},
		{"(k)s and %(j)s", map[string]any{"k": "v", "j": 2}, "v and 2", true},
		{"(k)s", 1, "", false},                           // TypeError
		{"(x)s", map[string]any{"k": "v"}, "", false},    // KeyError
		{"(k)s %s", map[string]any{"k": "v"}, "", false}, // TypeError
		{"s %(k)s", map[string]any{"k": "v"}, "{'k': 'v'} v", true},
		{"(k)s", []any{"a"}, "", false},              // TypeError
		{"(k)", map[string]any{"k": "v"}, "", false}, // ValueError
		{"s", map[string]any{}, "{}", true},
		{"", []any{1}, "", false},         // ValueError
		{"", map[string]any{}, "", false}, // ValueError
		{"", "x", "", false},              // ValueError
	}
	for _, tc := range tests {
		got, err := pyFormat(tc.spec, tc.v)
		if tc.ok && (err != nil || got != tc.want) {
			t.Errorf("pyFormat(%q, %#v) = %q, %v, want %q", tc.spec, tc.v, got, err, tc.want)
		}
		if !tc.ok && err == nil {
			t.Errorf("pyFormat(%q, %#v) = %q, want an error", tc.spec, tc.v, got)
		}
	}
}

// TestPyFormatGoTypes covers Go values without a direct Python counterpart.
func TestPyFormatGoTypes(t *testing.T) {
	type myInt int8
	type myFloat float32
	type myString string
	s := "pointed"
	n := 7
	tests := []struct {
		spec string
		v    any
		want string
	}{
		{"03d", myInt(-5), "-05"},
		{"x", uint8(255), "ff"},
		{".2f", myFloat(0.5), "0.50"},
		{"s", myFloat(0.1), "0.1"},
		{"5s", myString("ab"), "   ab"},
		{"r", myString("ab"), "'ab'"},
		{"s", &s, "pointed"},
		{"d", &n, "7"},
		{"s", SafeString("<b>"), "<b>"},
		{"(k)05.1f", map[string]float64{"k": 2.25}, "002.2"},
		{"(k)s", NewOrderedMap("k", "v"), "v"},
		{"s", []string{"a", "b"}, "['a', 'b']"},
	}
	for _, tc := range tests {
		got, err := pyFormat(tc.spec, tc.v)
		if err != nil || got != tc.want {
			t.Errorf("pyFormat(%q, %#v) = %q, %v, want %q", tc.spec, tc.v, got, err, tc.want)
		}
	}
	if _, err := pyFormat("d", myString("5")); err == nil {
		t.Error("d of a string type should fail")
	}
	if _, err := pyFormat("99999999999d", 1); err == nil {
		t.Error("an enormous width should fail")
	}
}

// TestFloatFormat checks floatFormat against Django's floatformat: the
// cases of tests/template_tests/filter_tests/test_floatformat.py (strings
// stand for its Decimal inputs), the docstring's examples, and more, all with
// values produced by Django's algorithm under the en locale and default
// settings. false marks the inputs for which the filter outputs "".
func TestFloatFormat(t *testing.T) {
	tests := []struct {
		v    any
		arg  string
		want string
		ok   bool
	}{
		{7.7, "", "7.7", true},
		{7.0, "", "7", true},
		{0.7, "", "0.7", true},
		{-0.7, "", "-0.7", true},
		{0.07, "", "0.1", true},
		{-0.07, "", "-0.1", true},
		{0.007, "", "0.0", true},
		{0.0, "", "0", true},
		{7.7, "0", "8", true},
		{7.7, "3", "7.700", true},
		{6.0, "3", "6.000", true},
		{6.2, "3", "6.200", true},
		{6.2, "-3", "6.200", true},
		{13.1031, "-3", "13.103", true},
		{11.1197, "-2", "11.12", true},
		{11.0, "-2", "11", true},
		{11.000001, "-2", "11.00", true},
		{8.2798, "3", "8.280", true},
		{5555.555, "2", "5555.56", true},
		{1.3, "2", "1.30", true},
		{0.12345, "2", "0.12", true},
		{"555.555", "2", "555.56", true},
		{"09.000", "", "9", true},
		{"123456.123456789012345678901", "21", "123456.123456789012345678901", true},
		{13.1031, "bar", "13.1031", true},
		{18.125, "2", "18.13", true},
		{-1.323297138040798e+35, "2", "-132329713804079800000000000000000000.00", true},
		{-1.323297138040798e+35, "-2", "-132329713804079800000000000000000000", true},
		{1.5e-15, "20", "0.00000000000000150000", true},
		{1.5e-15, "-20", "0.00000000000000150000", true},
		{1.0000000000000002, "16", "1.0000000000000002", true},
		{"1e199", "", "10000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000", true},
		{34.23234, "", "34.2", true},
		{34.0, "", "34", true},
		{34.26, "", "34.3", true},
		{34.23234, "3", "34.232", true},
		{34.0, "3", "34.000", true},
		{34.26, "3", "34.260", true},
		{34.23234, "-3", "34.232", true},
		{34.0, "-3", "34", true},
		{34.26, "-3", "34.260", true},
		{6666.6666, "2g", "6,666.67", true},
		{10000, "g", "10,000", true},
		{10000, "g", "10,000", true},
		{66666.666, "1g", "66,666.7", true},
		{10000, "g2", "10000", true},
		{66666.666, "2", "66666.67", true},
		{66666.666, "2u", "66666.67", true},
		{66666.666, "2gu", "66666.67", true},
		{66666.666, "2ug", "66666.67", true},
		{66666.666, "u2", "66666.666", true},
		{1234567.891, "-2g", "1,234,567.89", true},
		{-1234567, "g", "-1,234,567", true},
		{123, "g", "123", true},
		{1234, "0g", "1,234", true},
		{-1234.5, "g", "-1,234.5", true},
		{0, "6", "0.000000", true},
		{0, "7", "0.0000000", true},
		{0, "10", "0.0000000000", true},
		{1.5e-20, "20", "0.00000000000000000002", true},
		{"0.00", "0", "0", true},
		{"0.0000", "2", "0.00", true},
		{"0.000000", "4", "0.0000", true},
		{-0.01, "-1", "0.0", true},
		{-0.001, "2", "0.00", true},
		{-0.499, "0", "0", true},
		{math.Copysign(0, -1), "", "0", true},
		{math.Copysign(0, -1), "2", "0.00", true},
		{"-0", "", "0", true},
		{"-0.0", "1", "0.0", true},
		{math.Inf(1), "", "inf", true},
		{math.Inf(-1), "", "-inf", true},
		{math.NaN(), "", "nan", true},
		{"inf", "", "inf", true},
		{"NaN", "", "NaN", true},
		{"-Infinity", "2", "-Infinity", true},
		{"sNaN", "", "sNaN", true},
		{"1e200", "", "1e200", true},
		{"1E200", "", "1E200", true},
		{"1E10000000000000000", "", "1E10000000000000000", true},
		{"-1E10000000000000000", "", "-1E10000000000000000", true},
		{"1e10000000000000000", "", "1e10000000000000000", true},
		{"-1e10000000000000000", "", "-1e10000000000000000", true},
		{"1e99999999999999999999", "", "1e99999999999999999999", true},
		{"-1e-99999999999999999999", "2", "0.00", true},
		{nil, "", "", false},
		{[]any{}, "", "", false},
		{map[string]any{}, "", "", false},
		{"abc123", "", "", false},
		{"123abc", "", "", false},
		{"foo", "", "", false},
		{"error", "", "", false},
		{"¿Cómo esta usted?", "", "", false},
		{"1e", "", "", false},
		{"1e+", "", "", false},
		{"1e-", "", "", false},
		{"e400", "", "", false},
		{"e+400", "", "", false},
		{"e-400", "", "", false},
		{"1e^2", "", "", false},
		{"1e2e3", "", "", false},
		{"1e2a", "", "", false},
		{"1e2.0", "", "", false},
		{"1e2,0", "", "", false},
		{"1e.2", "", "", false},
		{"1e2.", "", "", false},
		{"1+e2", "", "", false},
		{"1e2+", "", "", false},
		{"abc123", "bar", "", false},
		{nil, "bar", "", false},
		{"", "", "", false},
		{0.5, "0", "1", true},
		{1.5, "0", "2", true},
		{2.5, "0", "3", true},
		{-2.5, "0", "-3", true},
		{1.005, "2", "1.01", true},
		{2.675, "2", "2.68", true},
		{1.45, "1", "1.5", true},
		{0.125, "2", "0.13", true},
		{-0.125, "2", "-0.13", true},
		{99.995, "2", "100.00", true},
		{999999.5, "0", "1000000", true},
		{9.995, "2g", "10.00", true},
		{999.9999, "3g", "1,000.000", true},
		{"1.42", "", "1.4", true},
		{"  3.5  ", "", "3.5", true},
		{"1_000.25", "1", "1000.3", true},
		{"١٢.5", "0", "13", true},
		{".5", "", "0.5", true},
		{"5.", "2", "5.00", true},
		{true, "", "1", true},
		{false, "2", "0.00", true},
		{true, "bar", "True", true},
		{42, "", "42", true},
		{42, "2", "42.00", true},
		{-42, "-2", "-42", true},
		{uint64(18446744073709551615), "g", "18,446,744,073,709,551,615", true},
		{1e+16, "", "10000000000000000", true},
		{1e+22, "2", "10000000000000000000000.00", true},
		{5e-324, "", "5e-324", true},
		{5e-324, "3", "5e-324", true},
		{1.7976931348623157e+308, "-1", "1.7976931348623157e+308", true},
		{3.14159, "+2", "3.14", true},
		{3.14159, " 2 ", "3.14", true},
		{3.14159, "1_0", "3.1415900000", true},
		{3.14159, "2.0", "3.14159", true},
		{3.14159, "-", "3.14159", true},
		{3.14159, "gg", "3.14159", true},
		{3.14159, "u", "3.1", true},
		{3.14159, "g", "3.1", true},
		{3.14159, "ug", "3.1", true},
		{3.14159, "٣", "3.142", true},
	}
	for _, tc := range tests {
		got, ok := floatFormat(tc.v, tc.arg, nil, nil)
		if got != tc.want || ok != tc.ok {
			t.Errorf("floatFormat(%#v, %q, nil, nil) = %q, %v, want %q, %v", tc.v, tc.arg, got, ok, tc.want, tc.ok)
		}
	}
}

// TestFloatFormatLong covers values at Django's 200-digit cut-off and a
// long but valid number of places.
func TestFloatFormatLong(t *testing.T) {
	if got, _ := floatFormat("1e199", "", nil, nil); got != "1"+strings.Repeat("0", 199) {
		t.Errorf("1e199 = %q", got)
	}
	big := "1" + strings.Repeat("0", 1000000)
	if got, _ := floatFormat(big, "", nil, nil); got != big {
		t.Error("a million digits should come back as they are")
	}
	if got, _ := floatFormat(0.5, "300", nil, nil); got != "0.5"+strings.Repeat("0", 299) {
		t.Errorf("0.5 with 300 places = %q", got)
	}
	type floatWrapper float64
	if got, _ := floatFormat(floatWrapper(11.000001), "-2", nil, nil); got != "11.00" {
		t.Errorf("float type = %q", got)
	}
	if got, _ := floatFormat(SafeString("1.42"), "", nil, nil); got != "1.4" {
		t.Errorf("safe string = %q", got)
	}
}

// TestFileSizeFormat checks fileSizeFormat against Django's filesizeformat:
// the cases of tests/template_tests/filter_tests/test_filesizeformat.py and
// more, with values produced by Django's algorithm.
func TestFileSizeFormat(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{0, "0\u00a0bytes"},
		{1, "1\u00a0byte"},
		{1023, "1023\u00a0bytes"},
		{1024, "1.0\u00a0KB"},
		{10240, "10.0\u00a0KB"},
		{1048575, "1024.0\u00a0KB"},
		{1048576, "1.0\u00a0MB"},
		{52428800, "50.0\u00a0MB"},
		{1073741823, "1024.0\u00a0MB"},
		{1073741824, "1.0\u00a0GB"},
		{1099511627776, "1.0\u00a0TB"},
		{1125899906842624, "1.0\u00a0PB"},
		{2251799813685248000, "2000.0\u00a0PB"},
		{"", "0\u00a0bytes"},
		{"α", "0\u00a0bytes"},
		{-1, "-1\u00a0byte"},
		{-100, "-100\u00a0bytes"},
		{-52428800, "-50.0\u00a0MB"},
		{2, "2\u00a0bytes"},
		{1025, "1.0\u00a0KB"},
		{1075, "1.0\u00a0KB"},
		{1076, "1.1\u00a0KB"},
		{1126, "1.1\u00a0KB"},
		{1127, "1.1\u00a0KB"},
		{10188, "9.9\u00a0KB"},
		{1047552, "1023.0\u00a0KB"},
		{1099511627775, "1024.0\u00a0GB"},
		{1125899906842623, "1024.0\u00a0TB"},
		{9223372036854775807, "8192.0\u00a0PB"},
		{int64(-9223372036854775808), "-8192.0\u00a0PB"},
		{uint64(18446744073709551615), "16384.0\u00a0PB"},
		{0.9, "0\u00a0bytes"},
		{1.9, "1\u00a0byte"},
		{-1.5, "-1\u00a0byte"},
		{1023.99, "1023\u00a0bytes"},
		{1024.5, "1.0\u00a0KB"},
		{10000000000.0, "9.3\u00a0GB"},
		{1e+20, "88817.8\u00a0PB"},
		{1e+30, "888178419700125.2\u00a0PB"},
		{-1e+25, "-8881784197.0\u00a0PB"},
		{1e+300, "8.8e+284\u00a0PB"},
		{1.7976931348623157e+308, "1.5e+293\u00a0PB"},
		{math.NaN(), "0\u00a0bytes"},
		{"1024", "1.0\u00a0KB"},
		{" 12 ", "12\u00a0bytes"},
		{"1_024", "1.0\u00a0KB"},
		{"1.5", "0\u00a0bytes"},
		{"-2048", "-2.0\u00a0KB"},
		{"+7", "7\u00a0bytes"},
		{"123456789012345678901234567890", "109651655766237.0\u00a0PB"},
		{"9999999999999999999999999999999999999999", "8881784197001253000000000.0\u00a0PB"},
		{strings.Repeat("9", 300), "8.8e+284\u00a0PB"},
		{"١٠٢٤", "1.0\u00a0KB"},
		{"1__0", "0\u00a0bytes"},
		{"0x10", "0\u00a0bytes"},
		{"None", "0\u00a0bytes"},
		{"-0", "0\u00a0bytes"},
		{true, "1\u00a0byte"},
		{false, "0\u00a0bytes"},
		{nil, "0\u00a0bytes"},
		{[]any{1}, "0\u00a0bytes"},
		{map[string]any{}, "0\u00a0bytes"},
		{complex(1, -1), "0\u00a0bytes"},
		{uint8(200), "200\u00a0bytes"},
		{float32(2048), "2.0\u00a0KB"},
		{math.Inf(1), "0\u00a0bytes"},
		{strings.Repeat("1", 5000), "0\u00a0bytes"},
	}
	for _, tc := range tests {
		if got := fileSizeFormat(tc.v, nil); got != tc.want {
			t.Errorf("fileSizeFormat(%#v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

// BenchmarkPyFormat measures a typical stringformat.
func BenchmarkPyFormat(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		pyFormat("08.3f", 3.14159)
	}
}

// BenchmarkFloatFormat measures a typical floatformat.
func BenchmarkFloatFormat(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		floatFormat(1234567.891, "2g", nil, nil)
	}
}

// BenchmarkFileSizeFormat measures a typical filesizeformat.
func BenchmarkFileSizeFormat(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		fileSizeFormat(52428800, nil)
	}
}
