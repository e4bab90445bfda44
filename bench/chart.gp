# gnuplot -e "datafile='chart.tsv'; outfile='chart.png'" bench/chart.gp
# chart.tsv: scenario, then Mframes/s of xdpbridge, Linux nf=1, Linux nf=0, floor
set terminal pngcairo size 1000,560 font "sans,10"
set output outfile
set title "Frames per second by scenario (median; higher is better)"
set ylabel "M frames/s"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key outside top center horizontal
set yrange [0:*]
plot datafile using 2:xtic(1) title "xdpbridge", \
     '' using 3 title "Linux bridge nf=1", \
     '' using 4 title "Linux bridge nf=0", \
     '' using 5 title "floor (redirect only)"
