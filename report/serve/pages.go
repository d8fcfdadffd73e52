package serve

import "net/http"

// pageRoutes maps the HTML pages and their assets.
func (s *Server) pageRoutes(mux *http.ServeMux) {}
