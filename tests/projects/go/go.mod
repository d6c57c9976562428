module github.com/kestrel-health/notify

go 1.23

require github.com/wneessen/go-mail v0.5.2
