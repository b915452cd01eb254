package pyjson

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestLeaves(t *testing.T) {
	var b strings.Builder
	String(&b, "a\"é\n😀</")
	b.WriteByte(' ')
	Float(&b, 1e22)
	b.WriteByte(' ')
	Float(&b, math.NaN())
	b.WriteByte(' ')
	Float(&b, 0.1)
	if got, want := b.String(), `"a\"\u00e9\n\ud83d\ude00</" 1e+22 NaN 0.1`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if got := Time(time.Date(2026, 12, 6, 9, 30, 0, 123456789, time.UTC)); got != "2026-12-06T09:30:00.123Z" {
		t.Errorf("Time = %s", got)
	}
	if got := Time(time.Date(2026, 12, 6, 9, 30, 0, 0, time.FixedZone("", 3600))); got != "2026-12-06T09:30:00+01:00" {
		t.Errorf("Time = %s", got)
	}
	if got := Duration(-(26*time.Hour + 3*time.Minute + 4*time.Second + 5*time.Microsecond)); got != "-P1DT02H03M04.000005S" {
		t.Errorf("Duration = %s", got)
	}
}

func TestMarshal(t *testing.T) {
	var b strings.Builder
	type row struct {
		Name string  `json:"name"`
		N    float64 `json:"n"`
		L    []int
	}
	if err := Marshal(&b, row{"ü", 2.5, []int{1, 2}}); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), `{"name": "\u00fc", "n": 2.5, "L": [1, 2]}`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if err := Marshal(&b, func() {}); err == nil {
		t.Error("a func marshalled")
	}
}
