# Sourced by the bench scripts. nginx_head WORK CONNECTIONS prints the start
# of an nginx config (one worker, logs and temp files under WORK, no access
# log, long keep-alive) up to and including the opening of the http block;
# the caller appends its servers and the closing brace.
nginx_head() {
  cat <<CONF
worker_processes 1; error_log $1/logs/error.log warn; pid $1/run/nginx.pid;
events { worker_connections $2; }
http { access_log off; keepalive_timeout 65; keepalive_requests 1000000;
  client_body_temp_path $1/run/b; proxy_temp_path $1/run/p; fastcgi_temp_path $1/run/f;
  uwsgi_temp_path $1/run/u; scgi_temp_path $1/run/s;
CONF
}
