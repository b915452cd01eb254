module github.com/runnelhq/runnel/gettext

go 1.26

replace github.com/runnelhq/runnel => ../

require github.com/runnelhq/runnel v0.0.0
